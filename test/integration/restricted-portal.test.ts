/**
 * The restricted portal trees as the service serves them (DESIGN §5,
 * "hidden means hidden"): a page that a caller may not see answers exactly
 * like a page that never existed (status, body bytes, headers but the
 * request id), whoever asks; those allowed get it, with its navigation, on
 * every request after their session is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addGroupMember } from "../../gateway/src/store/index.ts";
import { startPortal } from "../e2e/browser.ts";
import { Client, signedIn } from "./accounts.helpers.ts";
import type { TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortal();
}, 180_000);
afterAll(async () => {
  await svc?.stop();
});

/** Paths that exist only for members of `partners` (and administrators). */
const PARTNER_PATHS = [
  "/products/partner",
  "/products/partner.md",
  "/apis/fleet",
  "/apis/fleet/",
  "/apis/fleet.md",
  "/apis/fleet/reference",
  "/apis/fleet/openapi.json",
  "/apis/fleet/openapi.yaml",
  "/docs/partners/fleet-missions",
  "/docs/partners/fleet-missions.md",
];
/** Only for signed-in users. */
const DEVELOPER_PATHS = ["/products/premium", "/products/premium.md"];

const VOLATILE = new Set(["x-request-id", "date", "keep-alive", "connection"]);
function stableHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !VOLATILE.has(k)));
}

async function expectMissing(client: Client, path: string, reference: { text: string; headers: Record<string, unknown> }): Promise<void> {
  const res = await client.get(path);
  expect({ path, status: res.status }).toEqual({ path, status: 404 });
  expect(res.text, path).toBe(reference.text);
  expect(stableHeaders(res.headers), path).toEqual(reference.headers);
}

async function missingReference(client: Client) {
  const res = await client.get(`/no-such-page-${Date.now()}`);
  expect(res.status).toBe(404);
  return { text: res.text, headers: stableHeaders(res.headers) };
}

describe("restricted portal pages", () => {
  it("answer a guest exactly like a page that never existed", async () => {
    const guest = new Client(svc.controlUrl);
    const ref = await missingReference(guest);
    expect(ref.text).not.toMatch(/fleet|partner|premium/i);
    for (const path of [...PARTNER_PATHS, ...DEVELOPER_PATHS]) await expectMissing(guest, path, ref);
    // HEAD too.
    const head = await guest.send("HEAD", "/products/partner");
    expect(head.status).toBe(404);
    expect(stableHeaders(head.headers)).toEqual(stableHeaders((await guest.send("HEAD", "/nothing-here")).headers));
  });

  it("answer a dead or forged session cookie like a guest", async () => {
    const forged = new Client(svc.controlUrl);
    forged.cookies.set("portico_session", "a".repeat(40));
    const res = await forged.get("/products/partner");
    expect(res.status).toBe(404);
    const guestRef = await missingReference(new Client(svc.controlUrl));
    expect(res.text).toBe(guestRef.text);
  });

  it("show a signed-in developer Premium, and still nothing of the partners' pages", async () => {
    const { client } = await signedIn(svc);
    for (const path of DEVELOPER_PATHS) expect((await client.get(path)).status, path).toBe(200);
    const premium = await client.get("/products/premium");
    expect(premium.headers["cache-control"]).toBe("private, no-cache");
    expect(premium.headers.vary).toContain("Cookie");
    const ref = await missingReference(client);
    expect(ref.text).not.toMatch(/fleet|partner/i);
    for (const path of PARTNER_PATHS) await expectMissing(client, path, ref);
    const products = await client.get("/products");
    expect(products.text).toContain("/products/premium");
    expect(products.text).not.toMatch(/fleet|partner/i);
  });

  it("show a member of partners every partner page, with the navigation to reach them", async () => {
    const { client } = await signedIn(svc, { groups: ["partners"] });
    for (const path of PARTNER_PATHS) {
      const res = await client.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers["cache-control"], path).toBe("private, no-cache");
    }
    const apis = await client.get("/apis");
    expect(apis.text).toContain('href="/apis/fleet"');
    const docs = await client.get("/docs/getting-started");
    expect(docs.text).toContain('href="/docs/partners/fleet-missions"');
    const product = await client.get("/products/partner");
    expect(product.text).toContain("Partner Fleet Access");
    expect(product.text).toContain('href="/apis/fleet"');
    const definition = await client.get("/apis/fleet/openapi.json");
    expect(definition.body.servers[0].url).toMatch(/\/fleet$/);
    const llms = await client.get("/llms.txt");
    expect(llms.text).toContain("/apis/fleet.md");
    // Shared, content-hashed assets come from the public tree without a session lookup.
    const asset = /(\/_astro\/[^"]+\.css)/.exec(docs.text)?.[1];
    if (asset !== undefined) expect((await client.get(asset)).headers["cache-control"]).toContain("immutable");
  });

  it("follow a change of groups on the next request, without signing in again", async () => {
    const { client, userId } = await signedIn(svc);
    expect((await client.get("/apis/fleet")).status).toBe(404);
    await addGroupMember(svc.context.store, { groupId: "partners", userId });
    expect((await client.get("/apis/fleet")).status).toBe(200);
    expect((await client.post("/api/v1/auth/sign-out")).status).toBe(204);
    expect((await client.get("/apis/fleet")).status).toBe(404);
  });

  it("show administrators everything", async () => {
    const { client } = await signedIn(svc, { groups: ["administrators"] });
    for (const path of [...PARTNER_PATHS, ...DEVELOPER_PATHS]) expect((await client.get(path)).status, path).toBe(200);
  });
});
