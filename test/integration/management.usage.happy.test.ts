/**
 * The usage API over real calls through the gateway: totals and series by
 * subscription, API and operation, breakdowns with labels, custom ranges,
 * and administrators' view of everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayStatus, signedIn, subscribeViaApi, type Client } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";
import { waitForUsage } from "./helpers.ts";

let svc: TestService;
let dev: { client: Client; userId: string; email: string };
let admin: Client;
let basicId: string;
let premiumId: string;

beforeAll(async () => {
  svc = await startPortico();
  const d = await signedIn(svc, { name: "Usage Person" });
  dev = d;
  admin = (await signedIn(svc, { groups: ["administrators"] })).client;
  const basic = await subscribeViaApi(dev.client, "basic", "Basic app");
  const premium = await subscribeViaApi(dev.client, "premium", "Premium app");
  await admin.post(`/api/v1/admin/subscriptions/${premium.subscription.id}/approve`);
  basicId = basic.subscription.id;
  premiumId = premium.subscription.id;
  // Basic: 3 forecasts and 2 health checks; Premium: 1 forecast. All succeed.
  for (let i = 0; i < 3; i++) expect(await gatewayStatus(svc, basic.primaryKey)).toBe(200);
  for (let i = 0; i < 2; i++) expect(await gatewayStatus(svc, basic.secondaryKey, "/status/health")).toBe(200);
  expect(await gatewayStatus(svc, premium.primaryKey)).toBe(200);
  // Someone else's calls, which the developer must not see.
  const other = await signedIn(svc);
  const otherSub = await subscribeViaApi(other.client, "basic");
  expect(await gatewayStatus(svc, otherSub.primaryKey)).toBe(200);
  await waitForUsage(svc.context, { subscriptionId: basicId }, (n) => n >= 5);
  await waitForUsage(svc.context, { subscriptionId: premiumId }, (n) => n >= 1);
  await waitForUsage(svc.context, { subscriptionId: otherSub.subscription.id }, (n) => n >= 1);
});
afterAll(async () => {
  await svc?.stop();
});

describe("GET /usage", () => {
  it("totals the caller's own calls over the last hour, per minute", async () => {
    const res = await dev.client.get("/api/v1/usage?range=hour");
    expect(res.status).toBe(200);
    expect(res.body.interval).toBe("minute");
    expect(res.body.totals).toMatchObject({ calls: 6, success: 6, blocked: 0, failed: 0, clientErrors: 0 });
    expect(res.body.totals.bytesOut).toBeGreaterThan(0);
    expect(res.body.totals.p50).toBeGreaterThan(0);
    expect(new Date(res.body.to).getTime() - new Date(res.body.from).getTime()).toBe(3_600_000);
    const point = res.body.series.find((p: { calls: number }) => p.calls > 0);
    expect(point).toMatchObject({ start: expect.stringMatching(/:00\.000Z$/), success: point.calls });
  });

  it("filters by subscription, API and operation", async () => {
    const q = async (query: string) => (await dev.client.get(`/api/v1/usage?range=day&${query}`)).body.totals.calls;
    expect(await q(`subscription=${basicId}`)).toBe(5);
    expect(await q(`subscription=${premiumId}`)).toBe(1);
    expect(await q("api=weather")).toBe(4);
    expect(await q("api=status")).toBe(2);
    expect(await q("api=weather&operation=getForecast")).toBe(4);
    expect(await q("product=premium")).toBe(1);
    expect(await q(`subscription=${basicId}&api=status&operation=getHealth`)).toBe(2);
  });

  it("picks an interval for each range, or takes the one asked for", async () => {
    const day = await dev.client.get("/api/v1/usage?range=day");
    expect(day.body.interval).toBe("hour");
    expect(day.body.series.length).toBeGreaterThanOrEqual(24);
    expect(day.body.series.length).toBeLessThanOrEqual(25);
    const week = await dev.client.get("/api/v1/usage?range=7d&interval=day");
    expect(week.body.interval).toBe("day");
    expect(week.body.totals.calls).toBe(6);
    const ninety = await dev.client.get("/api/v1/usage?range=90d");
    expect(ninety.body.interval).toBe("day");
    expect(ninety.body.totals.calls).toBe(6);
  });

  it("takes an explicit from and to", async () => {
    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await dev.client.get(`/api/v1/usage?from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    expect(res.body.interval).toBe("minute");
    expect(res.body.totals.calls).toBe(6);
    const past = await dev.client.get(`/api/v1/usage?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z`);
    expect(past.body.totals).toMatchObject({ calls: 0, avgLatencyMs: null, p50: null });
    expect(past.body.series).toHaveLength(24);
  });
});

describe("GET /usage/breakdown", () => {
  it("breaks the caller's calls down by API, operation, subscription and product, busiest first, with labels", async () => {
    const rows = async (by: string) =>
      (await dev.client.get(`/api/v1/usage/breakdown?by=${by}&range=day`)).body.rows.map((r: { label: string; totals: { calls: number } }) => [r.label, r.totals.calls]);
    expect(await rows("api")).toEqual([
      ["DroneFly Weather API", 4],
      ["DroneFly Status API", 2],
    ]);
    expect(await rows("operation")).toEqual([
      ["DroneFly Weather API: getForecast", 4],
      ["DroneFly Status API: getHealth", 2],
    ]);
    expect(await rows("subscription")).toEqual([
      ["Basic app", 5],
      ["Premium app", 1],
    ]);
    expect(await rows("product")).toEqual([
      ["Basic", 5],
      ["Premium", 1],
    ]);
    const full = await dev.client.get("/api/v1/usage/breakdown?by=operation&range=day");
    expect(full.body.rows[0].key).toEqual({ apiId: "weather", operationId: "getForecast" });
  });
});

describe("administrators", () => {
  it("see everyone's calls, one user's, and a breakdown by user", async () => {
    const all = await admin.get("/api/v1/usage?range=hour");
    expect(all.body.totals.calls).toBe(7);
    const one = await admin.get(`/api/v1/usage?range=hour&user=${dev.userId}`);
    expect(one.body.totals.calls).toBe(6);
    const byUser = await admin.get("/api/v1/usage/breakdown?by=user&range=hour");
    expect(byUser.body.rows.map((r: { label: string; totals: { calls: number } }) => [r.label, r.totals.calls])[0]).toEqual([dev.email, 6]);
    const other = await admin.get(`/api/v1/usage?range=hour&subscription=${basicId}`);
    expect(other.body.totals.calls).toBe(5);
  });
});
