/**
 * Subscriptions through the management API, the paths that succeed: create
 * (active or submitted), list, show, rename, cancel, and the gateway's view
 * of each state at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../gateway/src/store/index.ts";
import { gatewayStatus, signedIn, subscribeViaApi, waitForMail } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

describe("subscribing", () => {
  it("makes an active Basic subscription whose keys open the gateway at once", async () => {
    const { client, userId } = await signedIn(svc);
    const res = await client.post("/api/v1/subscriptions", { product: "basic", name: "Weather widget", acceptTerms: true });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[a-z2-7]{24}$/),
      name: "Weather widget",
      productId: "basic",
      productTitle: "Basic",
      state: "active",
      stateComment: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      activatedAt: expect.any(String),
      cancelledAt: null,
      expiresAt: null,
      termsAcceptedAt: expect.any(String),
      primaryKeyStart: expect.stringMatching(/^dfly_/),
      secondaryKeyStart: expect.stringMatching(/^dfly_/),
    });
    const keys = await client.get(`/api/v1/subscriptions/${res.body.id}/keys`);
    expect(await gatewayStatus(svc, keys.body.primaryKey)).toBe(200);
    expect(await gatewayStatus(svc, keys.body.secondaryKey)).toBe(200);
    const audit = await listAudit(svc.context.store, { targetId: res.body.id });
    expect(audit.entries).toMatchObject([{ action: "subscription.create", actorKind: "user", actorId: userId, data: { product: "basic", state: "active" } }]);
  });

  it("defaults the name to the product's title", async () => {
    const { client } = await signedIn(svc);
    const res = await client.post("/api/v1/subscriptions", { product: "basic", acceptTerms: true });
    expect(res.body.name).toBe("Basic");
  });

  it("submits a Premium request: its keys refused until approved, and the subscriber e-mailed without a key", async () => {
    const { client, email } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "premium", "Production planner");
    expect(sub.subscription.state).toBe("submitted");
    expect(sub.subscription.activatedAt).toBeNull();
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    const mail = await waitForMail(svc.dataDir, email, "subscription-submitted");
    expect(mail.subject).toBe("Your Premium subscription request was received");
    expect(mail.text).toContain('Your request for "Production planner" to Premium is waiting for an administrator\'s approval.');
    expect(mail.raw).not.toContain(sub.primaryKey);
  });

  it("lets a partner subscribe to Partner Fleet Access", async () => {
    const { client } = await signedIn(svc, { groups: ["partners"] });
    const sub = await subscribeViaApi(client, "partner", "Dispatch");
    expect(sub.subscription).toMatchObject({ productId: "partner", state: "submitted" });
  });
});

describe("my subscriptions", () => {
  it("lists them newest first, filters by state, and shows one", async () => {
    const { client } = await signedIn(svc);
    const basic = await subscribeViaApi(client, "basic", "first");
    const premium = await subscribeViaApi(client, "premium", "second");
    const list = await client.get("/api/v1/subscriptions");
    expect(list.status).toBe(200);
    expect(list.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([premium.subscription.id, basic.subscription.id]);
    const submitted = await client.get("/api/v1/subscriptions?state=submitted");
    expect(submitted.body.subscriptions.map((s: { name: string }) => s.name)).toEqual(["second"]);
    const one = await client.get(`/api/v1/subscriptions/${basic.subscription.id}`);
    expect(one.body).toEqual(basic.subscription);
  });

  it("renames one, with an audit entry", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic", "old name");
    const res = await client.patch(`/api/v1/subscriptions/${sub.subscription.id}`, { name: "  new name  " });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: sub.subscription.id, name: "new name", state: "active" });
    expect((await listAudit(svc.context.store, { targetId: sub.subscription.id, action: "subscription.rename" })).entries[0]!.data).toEqual({ name: "new name" });
  });

  it("cancels one: 204, cancelled, keys dead at once, and the product's limit free again", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
    const res = await client.delete(`/api/v1/subscriptions/${sub.subscription.id}`);
    expect(res.status).toBe(204);
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    expect(await gatewayStatus(svc, sub.secondaryKey)).toBe(401);
    const after = await client.get(`/api/v1/subscriptions/${sub.subscription.id}`);
    expect(after.body).toMatchObject({ state: "cancelled", cancelledAt: expect.any(String) });
    // Basic allows one open subscription per user; the cancelled one no longer counts.
    expect((await client.post("/api/v1/subscriptions", { product: "basic", acceptTerms: true })).status).toBe(201);
  });

  it("withdraws a request that is still waiting", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "premium");
    expect((await client.delete(`/api/v1/subscriptions/${sub.subscription.id}`)).status).toBe(204);
    expect((await client.get(`/api/v1/subscriptions/${sub.subscription.id}`)).body.state).toBe("cancelled");
  });
});
