/** Subscriptions through the management API, the refusals, with exact bodies. */
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

describe("creating", () => {
  it("401 for a guest", async () => {
    const res = await new Client(svc.controlUrl).post("/api/v1/subscriptions", { product: "basic", acceptTerms: true });
    expect(res.status).toBe(401);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 401, code: "UNAUTHENTICATED", message: "Sign in to do this." });
  });

  it("404 for a product that does not exist", async () => {
    const { client } = await signedIn(svc);
    const res = await client.post("/api/v1/subscriptions", { product: "gold", acceptTerms: true });
    expect(res.status).toBe(404);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Product not found." });
  });

  it("409 PRODUCT_NOT_SUBSCRIBABLE for an open product", async () => {
    const { client } = await signedIn(svc);
    const res = await client.post("/api/v1/subscriptions", { product: "starter" });
    expect(res.status).toBe(409);
    expect(withoutRequestId(res.body)).toEqual({ statusCode: 409, code: "PRODUCT_NOT_SUBSCRIBABLE", message: "Starter is an open product: call its APIs without a key." });
  });

  it("409 PRODUCT_NOT_SUBSCRIBABLE for an unpublished product, even for an administrator who sees it", async () => {
    const ctx = svc.context;
    const original = ctx.catalog();
    ctx.setCatalog({ ...original, products: { ...original.products, premium: { ...original.products.premium!, state: "notPublished" } } });
    try {
      const admin = await signedIn(svc, { groups: ["administrators"] });
      const res = await admin.client.post("/api/v1/subscriptions", { product: "premium", acceptTerms: true });
      expect(withoutRequestId(res.body)).toEqual({ statusCode: 409, code: "PRODUCT_NOT_SUBSCRIBABLE", message: "Premium is not published, so nobody can subscribe to it yet." });
      const dev = await signedIn(svc);
      expect((await dev.client.post("/api/v1/subscriptions", { product: "premium", acceptTerms: true })).status).toBe(404);
    } finally {
      ctx.setCatalog(original);
    }
  });

  it("400 with details when the terms are not accepted", async () => {
    const { client } = await signedIn(svc);
    for (const body of [{ product: "basic" }, { product: "basic", acceptTerms: false }]) {
      const res = await client.post("/api/v1/subscriptions", body);
      expect(res.status).toBe(400);
      expect(withoutRequestId(res.body)).toEqual({
        statusCode: 400,
        code: "VALIDATION_FAILED",
        message: "The request is invalid; see details.",
        details: [{ path: "acceptTerms", message: "Accept the terms of Basic to subscribe (acceptTerms: true)." }],
      });
    }
  });

  it("409 SUBSCRIPTIONS_LIMIT_REACHED beyond Basic's one per user", async () => {
    const { client } = await signedIn(svc);
    await subscribeViaApi(client, "basic");
    const res = await client.post("/api/v1/subscriptions", { product: "basic", acceptTerms: true });
    expect(res.status).toBe(409);
    expect(withoutRequestId(res.body)).toEqual({
      statusCode: 409,
      code: "SUBSCRIPTIONS_LIMIT_REACHED",
      message: "You already have 1 subscription to this product, the most allowed.",
    });
  });

  it("counts concurrent requests against the limit exactly: of five at once, one wins", async () => {
    const { client } = await signedIn(svc);
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.post("/api/v1/subscriptions", { product: "basic", acceptTerms: true })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it("400 for malformed fields", async () => {
    const { client } = await signedIn(svc);
    const res = await client.post("/api/v1/subscriptions", { product: "", name: "x".repeat(101), acceptTerms: "yes", extra: 1 });
    expect(withoutRequestId(res.body)).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "The request is invalid; see details.",
      details: [
        { path: "product", message: "A product id is required." },
        { path: "name", message: "A name has at most 100 characters." },
        { path: "acceptTerms", message: "Invalid input: expected boolean, received string" },
        { path: "extra", message: 'Unknown field "extra".' },
      ],
    });
  });
});

describe("changing", () => {
  it("409 INVALID_STATE_TRANSITION when cancelling twice", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    expect((await client.delete(`/api/v1/subscriptions/${sub.subscription.id}`)).status).toBe(204);
    const again = await client.delete(`/api/v1/subscriptions/${sub.subscription.id}`);
    expect(again.status).toBe(409);
    expect(withoutRequestId(again.body)).toEqual({ statusCode: 409, code: "INVALID_STATE_TRANSITION", message: "A cancelled subscription cannot be cancelled." });
  });

  it("400 for an empty name, 404 for an unknown subscription", async () => {
    const { client } = await signedIn(svc);
    const sub = await subscribeViaApi(client, "basic");
    const empty = await client.patch(`/api/v1/subscriptions/${sub.subscription.id}`, { name: "   " });
    expect(withoutRequestId(empty.body)).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "The request is invalid; see details.",
      details: [{ path: "name", message: "A name cannot be empty." }],
    });
    for (const res of [
      await client.get("/api/v1/subscriptions/nosuchsubscription"),
      await client.patch("/api/v1/subscriptions/nosuchsubscription", { name: "x" }),
      await client.delete("/api/v1/subscriptions/nosuchsubscription"),
    ]) {
      expect(res.status).toBe(404);
      expect(withoutRequestId(res.body)).toEqual({ statusCode: 404, code: "NOT_FOUND", message: "Subscription not found." });
    }
  });

  it("400 for an unknown state filter", async () => {
    const { client } = await signedIn(svc);
    const res = await client.get("/api/v1/subscriptions?state=paused");
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe("state");
  });
});
