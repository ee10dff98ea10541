/** Subscription keys through the management API: show and regenerate, with the gateway following at once. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../gateway/src/store/index.ts";
import { gatewayStatus, signedIn, subscribeViaApi } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

describe("keys", () => {
  it("shows both keys to their owner, matching the starts listed with the subscription", async () => {
    const { client } = await signedIn(svc);
    const created = await client.post("/api/v1/subscriptions", { product: "basic", acceptTerms: true });
    const res = await client.get(`/api/v1/subscriptions/${created.body.id}/keys`);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(Object.keys(res.body).sort()).toEqual(["primaryKey", "secondaryKey"]);
    expect(res.body.primaryKey).toMatch(/^dfly_[1-9A-HJ-NP-Za-km-z]+$/);
    expect(res.body.primaryKey).not.toBe(res.body.secondaryKey);
    expect(res.body.primaryKey.startsWith(created.body.primaryKeyStart)).toBe(true);
    expect(res.body.secondaryKey.startsWith(created.body.secondaryKeyStart)).toBe(true);
    // Showing is not changing: the same keys twice.
    expect((await client.get(`/api/v1/subscriptions/${created.body.id}/keys`)).body).toEqual(res.body);
  });

  it("regenerates the primary key: the old one stops at once, the secondary keeps working, and it is audited", async () => {
    const { client, userId } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    const res = await client.post(`/api/v1/subscriptions/${sub.subscription.id}/keys/primary/regenerate`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ slot: "primary", key: expect.stringMatching(/^dfly_/), keyStart: expect.stringMatching(/^dfly_/) });
    expect(res.body.key.startsWith(res.body.keyStart)).toBe(true);
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    expect(await gatewayStatus(svc, sub.secondaryKey)).toBe(200);
    expect(await gatewayStatus(svc, res.body.key)).toBe(200);
    const keys = await client.get(`/api/v1/subscriptions/${sub.subscription.id}/keys`);
    expect(keys.body).toEqual({ primaryKey: res.body.key, secondaryKey: sub.secondaryKey });
    const listed = await client.get(`/api/v1/subscriptions/${sub.subscription.id}`);
    expect(listed.body.primaryKeyStart).toBe(res.body.keyStart);
    const audit = await listAudit(svc.context.store, { targetId: sub.subscription.id, action: "subscription.key.regenerate" });
    expect(audit.entries).toMatchObject([{ actorKind: "user", actorId: userId, data: { slot: "primary" } }]);
    expect(JSON.stringify(audit.entries)).not.toContain(res.body.key);
  });

  it("regenerates the secondary key of a submitted subscription, which then works once approved", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "premium");
    const res = await client.post(`/api/v1/subscriptions/${sub.subscription.id}/keys/secondary/regenerate`, {});
    expect(res.status).toBe(200);
    expect(await gatewayStatus(svc, res.body.key)).toBe(401);
    const admin = await signedIn(svc, { groups: ["administrators"] });
    expect((await admin.client.post(`/api/v1/admin/subscriptions/${sub.subscription.id}/approve`)).status).toBe(200);
    expect(await gatewayStatus(svc, res.body.key)).toBe(200);
    expect(await gatewayStatus(svc, sub.secondaryKey)).toBe(401);
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
  });
});
