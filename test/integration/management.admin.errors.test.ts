/** The admin API, the refusals, with exact bodies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedIn, subscribeViaApi, withoutRequestId, type Client } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
let admin: Client;
let adminId: string;
beforeAll(async () => {
  svc = await startPortico();
  const a = await signedIn(svc, { groups: ["administrators"] });
  admin = a.client;
  adminId = a.userId;
});
afterAll(async () => {
  await svc?.stop();
});

const conflict = (message: string) => ({ statusCode: 409, code: "CONFLICT", message });

describe("subscription decisions", () => {
  it("reject needs a reason", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "premium");
    for (const body of [{}, { reason: "   " }]) {
      const res = await admin.post(`/api/v1/admin/subscriptions/${sub.subscription.id}/reject`, body);
      expect(res.status).toBe(400);
      expect(withoutRequestId(res.body)).toEqual({
        statusCode: 400,
        code: "VALIDATION_FAILED",
        message: "The request is invalid; see details.",
        details: [{ path: "reason", message: "A reason is required: the subscriber reads it." }],
      });
    }
  });

  it("409 INVALID_STATE_TRANSITION for a decision the state does not allow", async () => {
    const dev = await signedIn(svc);
    const basic = await subscribeViaApi(dev.client, "basic");
    const premium = await subscribeViaApi(dev.client, "premium");
    const cases: Array<[string, string, string]> = [
      [basic.subscription.id, "approve", "An active subscription cannot be approved."],
      [basic.subscription.id, "reactivate", "An active subscription cannot be reactivated."],
      [premium.subscription.id, "suspend", "A submitted subscription cannot be suspended."],
    ];
    for (const [id, verb, message] of cases) {
      const res = await admin.post(`/api/v1/admin/subscriptions/${id}/${verb}`, {});
      expect(res.status).toBe(409);
      expect(withoutRequestId(res.body)).toEqual({ statusCode: 409, code: "INVALID_STATE_TRANSITION", message });
    }
    await admin.post(`/api/v1/admin/subscriptions/${premium.subscription.id}/reject`, { reason: "No" });
    const again = await admin.post(`/api/v1/admin/subscriptions/${premium.subscription.id}/approve`, {});
    expect(withoutRequestId(again.body)).toEqual({ statusCode: 409, code: "INVALID_STATE_TRANSITION", message: "A rejected subscription cannot be approved." });
  });

  it("404 for an unknown subscription", async () => {
    const res = await admin.post("/api/v1/admin/subscriptions/nosuch/approve", {});
    expect(res.status).toBe(404);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Subscription not found." });
  });

  it("400 for an unknown state filter", async () => {
    const res = await admin.get("/api/v1/admin/subscriptions?state=waiting");
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ path: "state", message: expect.stringContaining("submitted") }]);
  });
});

describe("users", () => {
  it("409 when inviting an address that has an account", async () => {
    const dev = await signedIn(svc);
    const res = await admin.post("/api/v1/admin/users/invite", { email: dev.email });
    expect(res.status).toBe(409);
    expect(withoutRequestId(res.body)).toEqual(conflict("An account with this e-mail address already exists."));
  });

  it("400 when inviting into a group that cannot have members", async () => {
    const res = await admin.post("/api/v1/admin/users/invite", { email: "someone-new@example.com", groups: ["developers", "nope"] });
    expect(withoutRequestId(res.body)).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "The request is invalid; see details.",
      details: [
        { path: "groups.0", message: '"developers" is not a group that members can be added to.' },
        { path: "groups.1", message: '"nope" is not a group that members can be added to.' },
      ],
    });
  });

  it("409 for blocking or deleting oneself", async () => {
    expect(withoutRequestId((await admin.post(`/api/v1/admin/users/${adminId}/block`, {})).body)).toEqual(conflict("You cannot block your own account."));
    expect(withoutRequestId((await admin.delete(`/api/v1/admin/users/${adminId}`)).body)).toEqual(conflict("Delete your own account from your account page, not here."));
  });

  it("404 for an unknown user", async () => {
    for (const res of [
      await admin.get("/api/v1/admin/users/nosuch"),
      await admin.post("/api/v1/admin/users/nosuch/block", {}),
      await admin.post("/api/v1/admin/users/nosuch/unblock"),
      await admin.delete("/api/v1/admin/users/nosuch"),
      await admin.post("/api/v1/admin/groups/partners/members", { userId: "nosuch" }),
    ]) {
      expect(res.status).toBe(404);
      expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "User not found." });
    }
  });
});

describe("groups", () => {
  it("409 for a taken id, and for changing built-in and content groups", async () => {
    expect(withoutRequestId((await admin.post("/api/v1/admin/groups", { id: "partners", name: "Again" })).body)).toEqual(conflict('A group "partners" already exists.'));
    expect((await admin.post("/api/v1/admin/groups", { id: "ops", name: "Ops" })).status).toBe(201);
    expect(withoutRequestId((await admin.post("/api/v1/admin/groups", { id: "ops", name: "Ops" })).body)).toEqual(conflict('A group "ops" already exists.'));
    expect(withoutRequestId((await admin.patch("/api/v1/admin/groups/administrators", { name: "Admins" })).body)).toEqual(
      conflict('"administrators" is a built-in group; it cannot be changed or deleted.'),
    );
    expect(withoutRequestId((await admin.delete("/api/v1/admin/groups/partners")).body)).toEqual(conflict('"partners" comes from groups.yaml; change it there.'));
  });

  it("409 for members of the implied groups and for removing oneself from administrators", async () => {
    const dev = await signedIn(svc);
    expect(withoutRequestId((await admin.post("/api/v1/admin/groups/developers/members", { userId: dev.userId })).body)).toEqual(
      conflict('Members of "developers" are implied; nobody can be added to it.'),
    );
    expect(withoutRequestId((await admin.get("/api/v1/admin/groups/guests/members")).body)).toEqual(conflict('Everyone is in "guests"; it has no member list.'));
    expect(withoutRequestId((await admin.delete(`/api/v1/admin/groups/administrators/members/${adminId}`)).body)).toEqual(
      conflict("You cannot remove yourself from administrators; ask another administrator."),
    );
  });

  it("400 for a malformed id, 404 for an unknown group or member", async () => {
    const bad = await admin.post("/api/v1/admin/groups", { id: "Not Valid", name: "x" });
    expect(bad.body.details).toEqual([{ path: "id", message: "A group id is lower-case letters, digits and dashes (at most 63), starting with a letter or digit." }]);
    const dev = await signedIn(svc);
    expect(withoutRequestId((await admin.post("/api/v1/admin/groups/nosuch/members", { userId: dev.userId })).body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Group not found." });
    expect((await admin.patch("/api/v1/admin/groups/nosuch", { name: "x" })).status).toBe(404);
    expect((await admin.delete(`/api/v1/admin/groups/partners/members/${dev.userId}`)).status).toBe(404);
  });
});
