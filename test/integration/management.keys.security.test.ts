/**
 * Subscription keys, the attacks: only the owner ever sees or changes them
 * (anyone else, administrators included, gets the answer for a missing
 * subscription), and no e-mail ever carries one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayStatus, readOutbox, signedIn, subscribeViaApi, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

describe("another user's keys", () => {
  it("are 404 to show and to regenerate, exactly like a missing subscription's, and keep working", async () => {
    const owner = await signedIn(svc);
    const sub = await subscribeViaApi(owner.client, "basic");
    const id = sub.subscription.id;
    for (const other of [await signedIn(svc), await signedIn(svc, { groups: ["administrators"] })]) {
      const missing = await other.client.get("/api/v1/subscriptions/aaaaaaaaaaaaaaaaaaaaaaaa/keys");
      const show = await other.client.get(`/api/v1/subscriptions/${id}/keys`);
      const regenerate = await other.client.post(`/api/v1/subscriptions/${id}/keys/primary/regenerate`);
      for (const res of [show, regenerate]) {
        expect(res.status).toBe(404);
        expect(withoutRequestId(res.body)).toEqual(withoutRequestId(missing.body));
        expect(res.text).not.toContain("dfly_");
      }
    }
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
    expect((await owner.client.get(`/api/v1/subscriptions/${id}/keys`)).body.primaryKey).toBe(sub.primaryKey);
  });

  it("never appear in the administrators' views of subscriptions", async () => {
    const owner = await signedIn(svc);
    const sub = await subscribeViaApi(owner.client, "premium");
    const admin = await signedIn(svc, { groups: ["administrators"] });
    const views = [
      await admin.client.get("/api/v1/admin/subscriptions"),
      await admin.client.get("/api/v1/admin/approvals"),
      await admin.client.get(`/api/v1/admin/users/${owner.userId}`),
      await admin.client.post(`/api/v1/admin/subscriptions/${sub.subscription.id}/approve`),
      await admin.client.get("/api/v1/admin/audit"),
    ];
    for (const v of views) {
      expect(v.status).toBe(200);
      expect(v.text).not.toContain(sub.primaryKey);
      expect(v.text).not.toContain(sub.secondaryKey);
    }
  });
});

describe("e-mail", () => {
  it("never carries a key, whatever happens to the subscription", async () => {
    const owner = await signedIn(svc);
    const admin = await signedIn(svc, { groups: ["administrators"] });
    const keys: string[] = [];
    for (const decision of ["approve", "reject"] as const) {
      const sub = await subscribeViaApi(owner.client, "premium");
      keys.push(sub.primaryKey, sub.secondaryKey);
      await admin.client.post(`/api/v1/admin/subscriptions/${sub.subscription.id}/${decision}`, { reason: "Checked by the team" });
      if (decision === "approve") {
        for (const next of ["suspend", "reactivate", "cancel"]) await admin.client.post(`/api/v1/admin/subscriptions/${sub.subscription.id}/${next}`, {});
      }
    }
    const mails = await readOutbox(svc.dataDir);
    expect(mails.filter((m) => m.to === owner.email).map((m) => m.template).sort()).toEqual([
      "subscription-approved",
      "subscription-cancelled",
      "subscription-reactivated",
      "subscription-rejected",
      "subscription-submitted",
      "subscription-submitted",
      "subscription-suspended",
    ]);
    for (const mail of mails) for (const key of keys) expect(`${mail.raw}${mail.text}${mail.html}`).not.toContain(key);
  });
});
