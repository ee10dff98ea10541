/**
 * The admin API, the paths that succeed: the first administrator from the
 * environment, users (list, show, invite, block, unblock, delete), groups and
 * members, subscriptions and the approvals queue, and the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, gatewayStatus, signedIn, subscribeViaApi, waitForMail } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

const FIRST_ADMIN = { email: "first-admin@dronefly.example", password: "first administrator's password" };

let svc: TestService;
let admin: Client;
let adminId: string;
beforeAll(async () => {
  svc = await startPortico({ env: { PORTICO_ADMIN_EMAIL: FIRST_ADMIN.email, PORTICO_ADMIN_PASSWORD: FIRST_ADMIN.password } });
  admin = new Client(svc.controlUrl);
  await admin.post("/api/v1/auth/sign-in", FIRST_ADMIN);
  adminId = (await admin.get("/api/v1/me")).body.id;
});
afterAll(async () => {
  await svc?.stop();
});

describe("the first administrator", () => {
  it("is created from PORTICO_ADMIN_EMAIL and PORTICO_ADMIN_PASSWORD, verified and in administrators", async () => {
    const me = await admin.get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: FIRST_ADMIN.email, emailVerified: true, administrator: true, groups: ["administrators", "developers", "guests"] });
    const audit = await admin.get(`/api/v1/admin/audit?targetId=${adminId}`);
    expect(audit.body.entries).toMatchObject([{ action: "user.create", actorKind: "system", actorId: null, data: { administrator: true, reason: "PORTICO_ADMIN_EMAIL" } }]);
  });

  it("sees every product, unpublished ones included", async () => {
    const products = await admin.get("/api/v1/products");
    expect(products.body.products.map((p: { id: string }) => p.id)).toEqual(["starter", "basic", "premium", "partner"]);
  });
});

describe("users", () => {
  it("lists and searches accounts with their memberships", async () => {
    const partner = await signedIn(svc, { groups: ["partners"], name: "Pat Partner" });
    const list = await admin.get(`/api/v1/admin/users?search=${encodeURIComponent(partner.email.slice(0, 12))}`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.users[0]).toMatchObject({ id: partner.userId, email: partner.email, name: "Pat Partner", state: "active", groups: ["partners"], emailVerified: true });
    const all = await admin.get("/api/v1/admin/users?limit=500");
    expect(all.body.users.map((u: { email: string }) => u.email)).toContain(FIRST_ADMIN.email);
  });

  it("shows one user with their subscriptions", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "basic", "Widget");
    const res = await admin.get(`/api/v1/admin/users/${dev.userId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: dev.userId, email: dev.email, groups: [] });
    expect(res.body.subscriptions).toMatchObject([{ id: sub.subscription.id, name: "Widget", state: "active" }]);
  });

  it("blocks a user: sessions end, keys stop; unblocking brings back exactly those subscriptions", async () => {
    const dev = await signedIn(svc);
    const basic = await subscribeViaApi(dev.client, "basic");
    const premium = await subscribeViaApi(dev.client, "premium");
    await admin.post(`/api/v1/admin/subscriptions/${premium.subscription.id}/approve`);
    await admin.post(`/api/v1/admin/subscriptions/${premium.subscription.id}/suspend`, { reason: "Unpaid invoice" });

    const blocked = await admin.post(`/api/v1/admin/users/${dev.userId}/block`, { reason: "Abuse report" });
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ id: dev.userId, state: "blocked" });
    expect((await dev.client.get("/api/v1/me")).status).toBe(401);
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(401);
    expect((await new Client(svc.controlUrl).post("/api/v1/auth/sign-in", { email: dev.email, password: dev.password })).body.code).toBe("ACCOUNT_BLOCKED");
    const subs = await admin.get(`/api/v1/admin/subscriptions?user=${dev.userId}`);
    expect(subs.body.subscriptions.map((s: { state: string; stateComment: string }) => [s.state, s.stateComment]).sort()).toEqual([
      ["suspended", "Account blocked"],
      ["suspended", "Unpaid invoice"],
    ]);

    const unblocked = await admin.post(`/api/v1/admin/users/${dev.userId}/unblock`);
    expect(unblocked.body.state).toBe("active");
    expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);
    expect(await gatewayStatus(svc, premium.primaryKey)).toBe(401);
    const audit = await admin.get(`/api/v1/admin/audit?targetId=${dev.userId}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(["user.unblock", "user.block"]);
    expect(audit.body.entries[1]).toMatchObject({ actorKind: "admin", actorId: adminId, data: { reason: "Abuse report" } });
  });

  it("deletes a user: anonymised, subscriptions cancelled, keys dead", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "basic");
    expect((await admin.delete(`/api/v1/admin/users/${dev.userId}`)).status).toBe(204);
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    expect((await admin.get(`/api/v1/admin/users/${dev.userId}`)).status).toBe(404);
    const subs = await admin.get(`/api/v1/admin/subscriptions?user=${dev.userId}`);
    expect(subs.body.subscriptions[0]).toMatchObject({ state: "cancelled", stateComment: "Account deleted", user: { email: `deleted-${dev.userId}@deleted.invalid`, name: "" } });
  });
});

describe("groups", () => {
  it("lists built-in, content and API groups with member counts", async () => {
    const res = await admin.get("/api/v1/admin/groups");
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.groups.map((g: { id: string }) => [g.id, g]));
    expect(byId.administrators).toMatchObject({ source: "built-in", memberCount: expect.any(Number) });
    expect(byId.developers).toMatchObject({ source: "built-in", memberCount: null });
    expect(byId.guests).toMatchObject({ source: "built-in", memberCount: null });
    expect(byId.partners).toMatchObject({ source: "content", name: "Fleet partners" });
  });

  it("creates, renames and deletes a group, and manages its members", async () => {
    const created = await admin.post("/api/v1/admin/groups", { id: "beta-testers", name: "Beta testers", description: "Early access" });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: "beta-testers", name: "Beta testers", description: "Early access", source: "api", memberCount: 0 });
    const dev = await signedIn(svc);
    const added = await admin.post("/api/v1/admin/groups/beta-testers/members", { userId: dev.userId });
    expect(added.body).toEqual({ groupId: "beta-testers", userId: dev.userId, added: true });
    expect((await admin.post("/api/v1/admin/groups/beta-testers/members", { userId: dev.userId })).body.added).toBe(false);
    const members = await admin.get("/api/v1/admin/groups/beta-testers/members");
    expect(members.body.members).toMatchObject([{ id: dev.userId, email: dev.email, addedBy: adminId }]);
    expect((await dev.client.get("/api/v1/me")).body.groups).toEqual(["beta-testers", "developers", "guests"]);
    const renamed = await admin.patch("/api/v1/admin/groups/beta-testers", { name: "Beta programme" });
    expect(renamed.body).toMatchObject({ name: "Beta programme", memberCount: 1 });
    expect((await admin.delete(`/api/v1/admin/groups/beta-testers/members/${dev.userId}`)).status).toBe(204);
    expect((await admin.delete("/api/v1/admin/groups/beta-testers")).status).toBe(204);
    expect((await admin.get("/api/v1/admin/groups")).body.groups.map((g: { id: string }) => g.id)).not.toContain("beta-testers");
  });

  it("adding a developer to partners shows them the partner product and API at once", async () => {
    const dev = await signedIn(svc);
    expect((await dev.client.get("/api/v1/products/partner")).status).toBe(404);
    await admin.post("/api/v1/admin/groups/partners/members", { userId: dev.userId });
    expect((await dev.client.get("/api/v1/products/partner")).status).toBe(200);
    expect((await dev.client.get("/api/v1/apis/fleet")).status).toBe(200);
  });
});

describe("subscriptions and approvals", () => {
  it("lists everyone's subscriptions, filtered by state, with their owners", async () => {
    const dev = await signedIn(svc, { name: "Queue Person" });
    const sub = await subscribeViaApi(dev.client, "premium", "Needs approval");
    const submitted = await admin.get("/api/v1/admin/subscriptions?state=submitted");
    expect(submitted.status).toBe(200);
    const mine = submitted.body.subscriptions.find((s: { id: string }) => s.id === sub.subscription.id);
    expect(mine).toMatchObject({ state: "submitted", productTitle: "Premium", user: { id: dev.userId, email: dev.email, name: "Queue Person" } });
    expect(submitted.body.subscriptions.every((s: { state: string }) => s.state === "submitted")).toBe(true);
    const queue = await admin.get("/api/v1/admin/approvals");
    const ids = queue.body.subscriptions.map((s: { id: string }) => s.id);
    expect(ids[ids.length - 1]).toBe(sub.subscription.id); // oldest first
  });

  it("rejects a request with a reason the subscriber receives", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "premium");
    const res = await admin.post(`/api/v1/admin/subscriptions/${sub.subscription.id}/reject`, { reason: "Tell us more about your use case." });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: "rejected", stateComment: "Tell us more about your use case." });
    const mail = await waitForMail(svc.dataDir, dev.email, "subscription-rejected");
    expect(mail.subject).toBe("Your Premium subscription request was declined");
    expect(mail.text).toContain("Reason: Tell us more about your use case.");
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
  });

  it("suspends, reactivates and cancels an active subscription, e-mailing each time, the keys following", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "basic");
    const id = sub.subscription.id;
    expect((await admin.post(`/api/v1/admin/subscriptions/${id}/suspend`, { reason: "Too many errors" })).body.state).toBe("suspended");
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    await waitForMail(svc.dataDir, dev.email, "subscription-suspended");
    expect((await admin.post(`/api/v1/admin/subscriptions/${id}/reactivate`)).body.state).toBe("active");
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
    await waitForMail(svc.dataDir, dev.email, "subscription-reactivated");
    expect((await admin.post(`/api/v1/admin/subscriptions/${id}/cancel`, { reason: "Contract ended" })).body.state).toBe("cancelled");
    expect(await gatewayStatus(svc, sub.secondaryKey)).toBe(401);
    await waitForMail(svc.dataDir, dev.email, "subscription-cancelled");
    const audit = await admin.get(`/api/v1/admin/audit?targetId=${id}`);
    expect(audit.body.entries.map((e: { action: string; actorKind: string }) => `${e.actorKind}:${e.action}`)).toEqual([
      "admin:subscription.cancel",
      "admin:subscription.reactivate",
      "admin:subscription.suspend",
      "user:subscription.create",
    ]);
    expect(audit.body.entries[2].data).toEqual({ from: "active", to: "suspended", reason: "Too many errors" });
  });

  it("pages through the audit log and filters it by action prefix", async () => {
    const first = await admin.get("/api/v1/admin/audit?limit=2");
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.nextCursor).toBe(first.body.entries[1].id);
    const next = await admin.get(`/api/v1/admin/audit?limit=2&before=${first.body.nextCursor}`);
    expect(next.body.entries[0].id).toBeLessThan(first.body.entries[1].id);
    const subs = await admin.get("/api/v1/admin/audit?action=subscription.&limit=500");
    expect(subs.body.entries.length).toBeGreaterThan(0);
    expect(subs.body.entries.every((e: { action: string }) => e.action.startsWith("subscription."))).toBe(true);
  });
});
