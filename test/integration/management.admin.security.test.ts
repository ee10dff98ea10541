/**
 * The admin API, the attacks: every admin route is 403 for a developer (even
 * one in a custom group) and 401 for a guest, before any validation, and does
 * nothing; blocking ends sessions at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, gatewayStatus, signedIn, subscribeViaApi, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

const ADMIN_ROUTES: Array<[string, string, unknown?]> = [
  ["GET", "/api/v1/admin/users"],
  ["GET", "/api/v1/admin/users/SUBJECT"],
  ["POST", "/api/v1/admin/users/invite", { email: "victim@example.com" }],
  ["POST", "/api/v1/admin/users/SUBJECT/block", {}],
  ["POST", "/api/v1/admin/users/SUBJECT/unblock", {}],
  ["DELETE", "/api/v1/admin/users/SUBJECT"],
  ["GET", "/api/v1/admin/groups"],
  ["POST", "/api/v1/admin/groups", { id: "mine", name: "Mine" }],
  ["PATCH", "/api/v1/admin/groups/partners", { name: "x" }],
  ["DELETE", "/api/v1/admin/groups/partners"],
  ["GET", "/api/v1/admin/groups/administrators/members"],
  ["POST", "/api/v1/admin/groups/administrators/members", { userId: "SELF" }],
  ["DELETE", "/api/v1/admin/groups/partners/members/SUBJECT"],
  ["GET", "/api/v1/admin/subscriptions"],
  ["GET", "/api/v1/admin/approvals"],
  ["POST", "/api/v1/admin/subscriptions/SUBSCRIPTION/approve", {}],
  ["POST", "/api/v1/admin/subscriptions/SUBSCRIPTION/reject", { reason: "x" }],
  ["POST", "/api/v1/admin/subscriptions/SUBSCRIPTION/suspend", {}],
  ["POST", "/api/v1/admin/subscriptions/SUBSCRIPTION/reactivate", {}],
  ["POST", "/api/v1/admin/subscriptions/SUBSCRIPTION/cancel", {}],
  ["GET", "/api/v1/admin/audit"],
];

describe("admin routes", () => {
  it("are 403 for a developer and a partner, 401 for a guest, and change nothing", async () => {
    const subject = await signedIn(svc, { groups: ["partners"] });
    const sub = await subscribeViaApi(subject.client, "premium");
    for (const caller of [await signedIn(svc), subject]) {
      for (const [method, template, body] of ADMIN_ROUTES) {
        const url = template.replace("SUBJECT", subject.userId).replace("SUBSCRIPTION", sub.subscription.id).replace("SELF", caller.userId);
        const json = body === undefined ? undefined : JSON.parse(JSON.stringify(body).replace("SELF", caller.userId));
        const res = await caller.client.send(method, url, { json });
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(withoutRequestId(res.body)).toEqual({ statusCode: 403, code: "FORBIDDEN", message: "Only administrators may do this." });
        const guest = await new Client(svc.controlUrl).send(method, url, { json });
        expect(guest.status, `guest ${method} ${url}`).toBe(401);
        expect(guest.body.code).toBe("UNAUTHENTICATED");
      }
    }
    expect((await subject.client.get("/api/v1/me")).body).toMatchObject({ administrator: false, groups: ["developers", "guests", "partners"] });
    expect((await subject.client.get(`/api/v1/subscriptions/${sub.subscription.id}`)).body.state).toBe("submitted");
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
  });

  it("refuse a developer before looking at the body, so invalid input reveals nothing either", async () => {
    const dev = await signedIn(svc);
    const res = await dev.client.post("/api/v1/admin/groups", { id: "NOT VALID", unexpected: true });
    expect(res.status).toBe(403);
  });

  it("become available the moment someone is made an administrator, and unavailable when removed", async () => {
    const admin = await signedIn(svc, { groups: ["administrators"] });
    const dev = await signedIn(svc);
    expect((await dev.client.get("/api/v1/admin/users")).status).toBe(403);
    await admin.client.post("/api/v1/admin/groups/administrators/members", { userId: dev.userId });
    expect((await dev.client.get("/api/v1/admin/users")).status).toBe(200);
    await admin.client.delete(`/api/v1/admin/groups/administrators/members/${dev.userId}`);
    expect((await dev.client.get("/api/v1/admin/users")).status).toBe(403);
  });
});

describe("blocking", () => {
  it("ends every session of the blocked user at once", async () => {
    const admin = await signedIn(svc, { groups: ["administrators"] });
    const dev = await signedIn(svc);
    const second = new Client(svc.controlUrl);
    await second.post("/api/v1/auth/sign-in", { email: dev.email, password: dev.password });
    await admin.client.post(`/api/v1/admin/users/${dev.userId}/block`, {});
    expect((await dev.client.get("/api/v1/me")).status).toBe(401);
    expect((await second.get("/api/v1/me")).status).toBe(401);
  });
});
