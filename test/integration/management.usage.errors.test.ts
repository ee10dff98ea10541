/** The usage API, the refusals, with exact bodies. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, signedIn, withoutRequestId } from "./accounts.helpers.ts";
import { startPortico, type TestService } from "./harness.ts";

let svc: TestService;
let client: Client;
beforeAll(async () => {
  svc = await startPortico();
  client = (await signedIn(svc)).client;
});
afterAll(async () => {
  await svc?.stop();
});

const invalid = (details: Array<{ path: string; message: unknown }>) => ({
  statusCode: 400,
  code: "VALIDATION_FAILED",
  message: "The request is invalid; see details.",
  details,
});

describe("usage queries", () => {
  it("401 for a guest", async () => {
    const res = await new Client(svc.controlUrl).get("/api/v1/usage");
    expect(res.status).toBe(401);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 401, code: "UNAUTHENTICATED", message: "Sign in to do this." });
  });

  it("400 for an unknown range or interval, and for a time that is not one", async () => {
    const res = await client.get("/api/v1/usage?range=year&interval=second&from=yesterday");
    expect(res.status).toBe(400);
    expect(withoutRequestId(res.body)).toEqual(
      invalid([
        { path: "range", message: expect.stringContaining('"hour"') },
        { path: "from", message: "A time is an ISO 8601 date-time, e.g. 2026-05-01T12:00:00Z." },
        { path: "interval", message: expect.stringContaining('"minute"') },
      ]),
    );
  });

  it("400 when to is not after from, or comes without from", async () => {
    expect(withoutRequestId((await client.get("/api/v1/usage?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")).body)).toEqual(
      invalid([{ path: "to", message: "`to` must be after `from`." }]),
    );
    expect(withoutRequestId((await client.get("/api/v1/usage?to=2026-01-01T00:00:00Z")).body)).toEqual(invalid([{ path: "from", message: "`to` needs `from`." }]));
  });

  it("400 for a series too long for its interval", async () => {
    const res = await client.get("/api/v1/usage?range=90d&interval=minute");
    expect(res.status).toBe(400);
    expect(withoutRequestId(res.body)).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/^That range has 1296\d\d minutes; choose a coarser interval or a shorter range \(at most 2000 points\)\.$/),
    });
  });

  it("404 for an unknown subscription", async () => {
    const res = await client.get("/api/v1/usage?subscription=nosuch");
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Subscription not found." });
  });

  it("400 for a breakdown without a dimension or with an unknown one", async () => {
    for (const query of ["", "?by=country"]) {
      const res = await client.get(`/api/v1/usage/breakdown${query}`);
      expect(withoutRequestId(res.body)).toEqual(invalid([{ path: "by", message: "by is one of: subscription, product, api, operation, user." }]));
    }
  });
});
