/** The usage API, the attacks: nobody but administrators sees anyone else's calls. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayStatus, signedIn, subscribeViaApi, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";
import { waitForUsage } from "./helpers.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

describe("another user's usage", () => {
  it("is invisible: their subscription is 404 like a missing one, their user 403, their calls never counted", async () => {
    const victim = await signedIn(svc);
    const sub = await subscribeViaApi(victim.client, "basic");
    for (let i = 0; i < 3; i++) expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
    await waitForUsage(svc.context, { subscriptionId: sub.subscription.id }, (n) => n >= 3);

    const snoop = await signedIn(svc);
    const theirs = await snoop.client.get(`/api/v1/usage?subscription=${sub.subscription.id}`);
    const missing = await snoop.client.get("/api/v1/usage?subscription=aaaaaaaaaaaaaaaaaaaaaaaa");
    expect(theirs.status).toBe(404);
    expect(withoutRequestId(theirs.body)).toEqual(withoutRequestId(missing.body));
    const breakdown = await snoop.client.get(`/api/v1/usage/breakdown?by=api&subscription=${sub.subscription.id}`);
    expect(breakdown.status).toBe(404);

    const asUser = await snoop.client.get(`/api/v1/usage?user=${victim.userId}`);
    expect(asUser.status).toBe(403);
    expect(withoutRequestId(asUser.body)).toEqual({ statusCode: 403, code: "FORBIDDEN", message: "Only administrators may see another user's usage." });
    const byUser = await snoop.client.get("/api/v1/usage/breakdown?by=user");
    expect(withoutRequestId(byUser.body)).toEqual({ statusCode: 403, code: "FORBIDDEN", message: "Only administrators may break usage down by user." });

    const own = await snoop.client.get("/api/v1/usage?range=hour&api=weather");
    expect(own.body.totals.calls).toBe(0);
    const rows = await snoop.client.get("/api/v1/usage/breakdown?by=subscription&range=hour");
    expect(rows.body.rows).toEqual([]);
    expect((await victim.client.get("/api/v1/usage?range=hour")).body.totals.calls).toBe(3);
  });

  it("does not count anonymous calls (open products, refused keys) as anyone's", async () => {
    const dev = await signedIn(svc);
    const res = await fetch(`${svc.gatewayUrl}/status/health`);
    expect(res.status).toBe(200);
    expect(await gatewayStatus(svc, "dfly_notarealkey")).toBe(401);
    await new Promise((r) => setTimeout(r, 400));
    expect((await dev.client.get("/api/v1/usage?range=hour")).body.totals.calls).toBe(0);
  });
});
