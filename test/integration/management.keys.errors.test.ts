/** Subscription keys through the management API, the refusals. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, signedIn, subscribeViaApi, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

const NOT_FOUND = { statusCode: 404, code: "NOT_FOUND", message: "Subscription not found." };

describe("keys", () => {
  it("401 for a guest", async () => {
    const guest = new Client(svc.controlUrl);
    expect((await guest.get("/api/v1/subscriptions/x/keys")).status).toBe(401);
    expect((await guest.post("/api/v1/subscriptions/x/keys/primary/regenerate")).status).toBe(401);
  });

  it("404 for a subscription that does not exist", async () => {
    const { client } = await signedIn(svc);
    expect(withoutRequestId((await client.get("/api/v1/subscriptions/nosuch/keys")).body)).toEqual(NOT_FOUND);
    expect(withoutRequestId((await client.post("/api/v1/subscriptions/nosuch/keys/primary/regenerate")).body)).toEqual(NOT_FOUND);
  });

  it("400 for a slot that is neither primary nor secondary", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    const res = await client.post(`/api/v1/subscriptions/${sub.subscription.id}/keys/tertiary/regenerate`);
    expect(res.status).toBe(400);
    expect(withoutRequestId(res.body)).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "The request is invalid; see details.",
      details: [{ path: "slot", message: "The key is primary or secondary." }],
    });
  });

  it("409 when regenerating a key of a cancelled subscription", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    await client.delete(`/api/v1/subscriptions/${sub.subscription.id}`);
    const res = await client.post(`/api/v1/subscriptions/${sub.subscription.id}/keys/primary/regenerate`);
    expect(res.status).toBe(409);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 409, code: "INVALID_STATE_TRANSITION", message: "A cancelled subscription's keys cannot be regenerated." });
  });

  it("415 when the regeneration is not sent as JSON", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    const res = await client.send("POST", `/api/v1/subscriptions/${sub.subscription.id}/keys/primary/regenerate`);
    expect(res.status).toBe(415);
    expect((await client.get(`/api/v1/subscriptions/${sub.subscription.id}/keys`)).body.primaryKey).toBe(sub.primaryKey);
  });
});
