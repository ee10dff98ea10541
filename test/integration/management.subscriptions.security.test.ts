/**
 * Subscriptions through the management API, the attacks: another user's
 * subscription is 404 exactly like a missing one, and a product (or API)
 * hidden from the caller answers exactly like one that never existed.
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

describe("another user's subscription", () => {
  it("is 404 for every route, with the same body as a missing one, and stays untouched", async () => {
    const owner = await signedIn(svc);
    const intruder = await signedIn(svc);
    const sub = await subscribeViaApi(owner.client, "basic", "mine");
    const id = sub.subscription.id;
    const missing = await intruder.client.get("/api/v1/subscriptions/aaaaaaaaaaaaaaaaaaaaaaaa");
    for (const res of [
      await intruder.client.get(`/api/v1/subscriptions/${id}`),
      await intruder.client.patch(`/api/v1/subscriptions/${id}`, { name: "stolen" }),
      await intruder.client.delete(`/api/v1/subscriptions/${id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(withoutRequestId(res.body)).toEqual(withoutRequestId(missing.body));
    }
    expect((await intruder.client.get("/api/v1/subscriptions")).body.subscriptions).toEqual([]);
    expect((await owner.client.get(`/api/v1/subscriptions/${id}`)).body).toMatchObject({ name: "mine", state: "active" });
    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(200);
  });
});

describe("hidden products and APIs", () => {
  it("a developer asking for Partner Fleet Access gets exactly the answer for a product that does not exist", async () => {
    const dev = await signedIn(svc);
    const pairs = [
      ["/api/v1/products/partner", "/api/v1/products/no-such-product"],
      ["/api/v1/apis/fleet", "/api/v1/apis/no-such-api"],
    ];
    for (const [hidden, missing] of pairs) {
      const a = await dev.client.get(hidden!);
      const b = await dev.client.get(missing!);
      expect(a.status).toBe(404);
      expect(a.status).toBe(b.status);
      expect(withoutRequestId(a.body)).toEqual(withoutRequestId(b.body));
      expect(a.headers["content-type"]).toBe(b.headers["content-type"]);
    }
    const subscribeHidden = await dev.client.post("/api/v1/subscriptions", { product: "partner", acceptTerms: true });
    const subscribeMissing = await dev.client.post("/api/v1/subscriptions", { product: "no-such-product", acceptTerms: true });
    expect(subscribeHidden.status).toBe(404);
    expect(withoutRequestId(subscribeHidden.body)).toEqual(withoutRequestId(subscribeMissing.body));
  });

  it("a guest sees no trace of Premium or the partner products and APIs in any list", async () => {
    const guest = new Client(svc.controlUrl);
    const everything = JSON.stringify([(await guest.get("/api/v1/products")).body, (await guest.get("/api/v1/apis")).body, (await guest.get("/api/v1/apis/status")).body]);
    for (const secret of ["partner", "Partner Fleet", "fleet", "Fleet", "premium", "Premium"]) expect(everything).not.toContain(secret);
    expect((await guest.get("/api/v1/products/premium")).status).toBe(404);
  });

  it("a developer's view of an API names only the products they may see", async () => {
    const dev = await signedIn(svc);
    const status = await dev.client.get("/api/v1/apis/status");
    expect(status.body.products.sort()).toEqual(["basic", "premium", "starter"]);
    const partner = await signedIn(svc, { groups: ["partners"] });
    expect((await partner.client.get("/api/v1/apis/fleet")).body.products).toEqual(["partner"]);
    expect((await partner.client.get("/api/v1/products/partner")).body).not.toHaveProperty("groups");
    const admin = await signedIn(svc, { groups: ["administrators"] });
    expect((await admin.client.get("/api/v1/products/partner")).body.groups).toEqual(["partners"]);
  });
});
