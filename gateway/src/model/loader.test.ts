import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { docSlug, loadCatalog, type LoadOptions } from "./loader.ts";
import { formatProblem } from "./problems.ts";
import { FIXTURES, ROOT, testPolicies, THEMES } from "./test-registry.ts";

const MIN = path.join(FIXTURES, "content-min/content");

function options(extra: LoadOptions = {}): LoadOptions {
  return { policySchemas: testPolicies(), env: {}, cwd: ROOT, ...extra };
}

async function printed(dir: string, extra: LoadOptions = {}): Promise<string[]> {
  const result = await loadCatalog(dir, options({ themesDir: THEMES, ...extra }));
  return result.problems.map(formatProblem);
}

describe("loadCatalog on a valid folder", () => {
  it("builds the catalog with defaults and derived fields", async () => {
    const { catalog, problems } = await loadCatalog(MIN, options());
    expect(problems).toEqual([]);
    expect(catalog).toBeDefined();
    const c = catalog!;
    expect(c.dir).toBe(MIN);
    expect(c.portal).toMatchObject({
      title: "DroneFly Developers",
      theme: "default",
      locale: "en",
      keyPrefix: "dfly",
      gatewayUrl: "http://localhost:8080",
      email: { from: '"DroneFly Developers" <noreply@localhost>' },
      signUp: { enabled: true, fields: [{ name: "company", label: "Company", type: "text", required: false, maxLength: 200 }] },
      file: "portal.yaml",
    });
    expect(Object.keys(c.groups)).toEqual(["administrators", "developers", "guests", "partners"]);
    expect(c.groups.partners).toEqual({
      id: "partners",
      name: "Fleet partners",
      description: "Logistics companies with a signed partner agreement.",
      source: "content",
    });
    expect(c.groups.guests!.source).toBe("built-in");

    const status = c.apis.status!;
    expect(status).toMatchObject({
      title: "DroneFly Status API",
      description: "Is the service up?",
      path: "/status",
      tryIt: true,
      subscription: { required: false, header: "Ocp-Apim-Subscription-Key", query: "subscription-key" },
      versioning: null,
      products: ["basic", "starter"],
      visibility: ["guests", "partners"],
      visibilityExplicit: false,
      file: "apis/status/api.yaml",
    });
    expect(status.versions).toHaveLength(1);
    expect(status.versions[0]).toMatchObject({ id: "", backend: "http://localhost:8090/status", openapiFile: "openapi.yaml", specVersion: "3.0.3" });
    expect(status.versions[0]!.operations.map((o) => o.id)).toEqual(["getHealth"]);

    const weather = c.apis.weather!;
    expect(weather.versioning).toEqual({ scheme: "path", name: "" });
    expect(weather.versions.map((v) => [v.id, v.backend, v.specVersion, v.deprecated])).toEqual([
      ["v1", "http://localhost:8090/weather/v1", "3.0.3", true],
      ["v2", "http://localhost:8090/weather", "3.1.0", false],
    ]);
    expect(weather.visibility).toEqual(["guests", "partners"]);
    expect(weather.policies.api.inbound.map((e) => (e.kind === "base" ? "base" : [e.name, e.options]))).toEqual([
      "base",
      ["set-header", { name: "X-Channel", value: "portal", exists: "override" }],
    ]);
    expect(weather.policies.operations.getAlerts!.inbound.map((e) => e.kind)).toEqual(["policy", "base"]);
    expect(weather.policies.api.inbound[1]!.at).toEqual({ file: "test/fixtures/content-min/content/apis/weather/policies.yaml", line: 3, column: 5 });

    expect(c.products.starter).toMatchObject({
      title: "Starter",
      summary: "Try the status API without a key.",
      state: "published",
      subscriptionRequired: false,
      approvalRequired: false,
      subscriptionsLimit: null,
      groups: ["guests"],
      apis: ["status"],
      terms: null,
      order: 1,
      body: "No key needed. See [getting started](../docs/index.md#first-call).\n",
      file: "products/starter.md",
    });
    expect(c.products.starter!.policies.inbound).toMatchObject([{ kind: "policy", name: "rate-limit", options: { calls: 5, renewalPeriod: 10 } }]);
    expect(c.products.basic).toMatchObject({ subscriptionsLimit: 1, terms: "By subscribing you agree to fly safely.\n" });

    expect(c.docs.map((d) => [d.slug, d.title, d.order, d.groups, d.file])).toEqual([
      ["", "Getting started", 1, ["guests"], "docs/index.md"],
      ["guides/keys", "Keys", Number.MAX_SAFE_INTEGER, ["developers"], "docs/guides/keys.md"],
    ]);
    expect(c.docs[0]!.body.startsWith("# Getting started\n")).toBe(true);

    expect(c.theme).toEqual({
      id: "default",
      name: "Default",
      dir: path.join(FIXTURES, "content-min/themes/default"),
      tokens: {
        light: { background: "#ffffff", text: "#1b1f24", accent: "#2454d6" },
        dark: { background: "#0f1216", text: "#e6e9ee", accent: "#7aa2ff", muted: "#8b95a3" },
        fonts: { body: "system-ui, sans-serif", heading: "system-ui, sans-serif", mono: "ui-monospace, monospace" },
        radius: "8px",
      },
      logo: "logo.svg",
    });
    expect(c.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is plain data: a JSON round trip gives the same catalog", async () => {
    const { catalog } = await loadCatalog(MIN, options());
    expect(JSON.parse(JSON.stringify(catalog))).toEqual(catalog);
  });

  it("substitutes the injected environment", async () => {
    const { catalog } = await loadCatalog(MIN, options({ env: { GATEWAY_URL: "https://api.example.com", PORTICO_DEMO_PORT: "9999" } }));
    expect(catalog!.portal.gatewayUrl).toBe("https://api.example.com");
    expect(catalog!.apis.status!.versions[0]!.backend).toBe("http://localhost:9999/status");
  });
});

describe("loadCatalog on broken folders", () => {
  const cases: Record<string, string[]> = {
    "unknown-key": [
      "test/fixtures/content-broken/unknown-key/products/basic.md:4:1: unknown key 'subscriptionLimit' (did you mean 'subscriptionsLimit'?); allowed keys: title, summary, state, subscriptionRequired, approvalRequired, subscriptionsLimit, groups, apis, order, terms, policies",
    ],
    "wrong-type": [
      'test/fixtures/content-broken/wrong-type/products/basic.md:4:21: subscriptionsLimit must be a number, not the string "5"; remove the quotes around it',
      'test/fixtures/content-broken/wrong-type/products/basic.md:5:19: approvalRequired must be true or false, not the string "yes"; write true or false, without quotes',
      'test/fixtures/content-broken/wrong-type/products/basic.md:6:9: groups must be a list, not the string "guests"; write a list, e.g. [guests]',
    ],
    "missing-required": [
      "test/fixtures/content-broken/missing-required/apis/status/api.yaml:1:1: missing required key 'path': add it, e.g. 'path: /weather'",
      "test/fixtures/content-broken/missing-required/products/basic.md:2:1: missing required key 'title': add it, e.g. 'title: Basic'",
    ],
    "yaml-syntax": ["test/fixtures/content-broken/yaml-syntax/apis/status/api.yaml:5:1: YAML syntax error: all mapping items must start at the same column"],
    "missing-portal": [
      "test/fixtures/content-broken/missing-portal/portal.yaml:1:1: missing file: every content folder needs a portal.yaml with at least 'title: <portal name>'",
    ],
    "missing-openapi": [
      "test/fixtures/content-broken/missing-openapi/apis/status/api.yaml:3:10: OpenAPI definition 'openapi.yml' not found in apis/status/ (did you mean 'openapi.yaml'?); definition files here: openapi.yaml",
    ],
    "invalid-openapi": [
      `test/fixtures/content-broken/invalid-openapi/apis/status/openapi.yaml:11:15: paths["/health"].get.parameters[0].in must be one of path, query, header, cookie, not "quer" (did you mean 'query'?)`,
      `test/fixtures/content-broken/invalid-openapi/apis/status/openapi.yaml:16:20: paths["/health"].get.responses["200"].headers must be a map (key: value lines), not the integer 42`,
      "test/fixtures/content-broken/invalid-openapi/apis/status/openapi.yaml:19:20: operationId 'getHealth' is already used by GET /health: operationIds must be unique in a definition",
      `test/fixtures/content-broken/invalid-openapi/apis/status/openapi.yaml:22:17: $ref "#/components/responses/Echoed" points to nothing: the definition has no 'components'`,
    ],
    "missing-api": ["test/fixtures/content-broken/missing-api/products/basic.md:5:16: unknown API 'wether'; APIs: status"],
    "two-open-products": [
      "test/fixtures/content-broken/two-open-products/products/starter.md:6:8: API 'status' is also in open product 'free': an API may be in one open product (subscriptionRequired: false) only, since a call without a key must belong to one product; remove it here or require a subscription in one of them",
    ],
    "unknown-group": [
      "test/fixtures/content-broken/unknown-group/apis/status/api.yaml:3:14: unknown group 'admins'; groups: administrators, developers, guests, partners (custom groups are defined in groups.yaml)",
      "test/fixtures/content-broken/unknown-group/docs/partners.md:3:20: unknown group 'fleet'; groups: administrators, developers, guests, partners (custom groups are defined in groups.yaml)",
      "test/fixtures/content-broken/unknown-group/products/basic.md:4:18: unknown group 'partner' (did you mean 'partners'?); groups: administrators, developers, guests, partners (custom groups are defined in groups.yaml)",
    ],
    "unknown-policy": [
      "test/fixtures/content-broken/unknown-policy/apis/status/policies.yaml:3:5: unknown policy 'rate-limt' (did you mean 'rate-limit'?); known policies: rate-limit, set-header",
      "test/fixtures/content-broken/unknown-policy/apis/status/policies.yaml:6:5: outbound[1] is a second 'base' in outbound (the first is outbound[0]): keep only one",
    ],
    "bad-policy-option": [
      'test/fixtures/content-broken/bad-policy-option/products/basic.md:9:28: policies.inbound[1].rate-limit.calls must be a number, not the string "ten"',
      "test/fixtures/content-broken/bad-policy-option/products/basic.md:9:52: unknown key 'burst' in policies.inbound[1].rate-limit; allowed keys: calls, renewalPeriod",
    ],
    "unknown-operation": [
      "test/fixtures/content-broken/unknown-operation/apis/status/policies.yaml:4:3: unknown operationId 'getHelth' (did you mean 'getHealth'?) in API 'status'; operations: getHealth",
    ],
    "broken-link": [
      "test/fixtures/content-broken/broken-link/docs/index.md:6:12: broken link './guides/key.md': there is no page docs/guides/key.md (did you mean './guides/keys.md'?)",
      "test/fixtures/content-broken/broken-link/docs/index.md:6:44: warning: link 'guides/keys.md#rotate': docs/guides/keys.md has no heading with the anchor '#rotate'; anchors: rotating-keys",
    ],
    "unset-env": [
      "test/fixtures/content-broken/unset-env/apis/status/api.yaml:2:17: environment variable STATUS_HOST is not set: set it, or give a default with ${STATUS_HOST:-default}",
      "test/fixtures/content-broken/unset-env/portal.yaml:5:18: environment variable OIDC_CLIENT_SECRET is not set: set it, or give a default with ${OIDC_CLIENT_SECRET:-default}",
    ],
  };

  for (const [kind, expected] of Object.entries(cases)) {
    it(kind, async () => {
      const dir = path.join(FIXTURES, "content-broken", kind);
      const result = await loadCatalog(dir, options({ themesDir: THEMES }));
      expect(result.problems.map(formatProblem)).toEqual(expected);
      expect(result.catalog).toBeUndefined();
    });
  }

  it("reports every problem of a folder in one run, in file order", async () => {
    expect(await printed(path.join(FIXTURES, "content-broken/many"))).toEqual([
      "test/fixtures/content-broken/many/apis/Fleet/api.yaml:1:1: the folder name 'Fleet' is the API's id and must be lowercase letters, digits and '-', starting with a letter or digit (e.g. weather-api)",
      "test/fixtures/content-broken/many/apis/status/api.yaml:1:7: path must start with '/' (e.g. /status)",
      'test/fixtures/content-broken/many/apis/status/api.yaml:3:8: tryIt must be true or false, not the string "no"; write true or false, without quotes',
      "test/fixtures/content-broken/many/apis/status/api.yaml:5:3: missing required key 'name' in versions: the header that names the version, e.g. 'name: api-version'",
      "test/fixtures/content-broken/many/apis/status/api.yaml:8:11: versions.list[1].id repeats 'v1', the id of versions.list[0]: version ids must be unique",
      "test/fixtures/content-broken/many/docs/index.md:3:10: unknown group 'everyone'; groups: administrators, developers, guests, partners (custom groups are defined in groups.yaml)",
      "test/fixtures/content-broken/many/docs/index.md:5:24: broken link './guid.md': there is no page docs/guid.md",
      "test/fixtures/content-broken/many/groups.yaml:3:1: key 'guests' is a built-in group and cannot be redefined: choose another id",
      `test/fixtures/content-broken/many/policies/global.yaml:2:5: inbound[0] must be 'base' or one policy as a map, e.g. '- rate-limit: { calls: 10, renewalPeriod: 10 }', not "bse" (did you mean 'base'?)`,
      "test/fixtures/content-broken/many/policies/global.yml:1:1: warning: ignored: only policies/global.yaml is read (did you mean 'global.yaml'?)",
      "test/fixtures/content-broken/many/portal.yaml:3:1: unknown key 'keyprefix' (did you mean 'keyPrefix'?); allowed keys: title, tagline, description, theme, locale, url, gatewayUrl, serviceUrl, editUrl, keyPrefix, signUp, email, oidc, footer",
      `test/fixtures/content-broken/many/products/basic.md:3:8: state must be one of published, notPublished, not "publshed" (did you mean 'published'?)`,
      "test/fixtures/content-broken/many/products/basic.md:4:16: unknown API 'fleet'; APIs: status",
      "test/fixtures/content-broken/many/products/basic.md:8:7: unknown policy 'quota'; known policies: rate-limit, set-header",
      "test/fixtures/content-broken/many/products/basic.md:10:18: broken link '../docs/guide.md': there is no page docs/guide.md",
    ]);
  });

  it("says so when the content folder does not exist", async () => {
    expect(await printed(path.join(FIXTURES, "content-nowhere"))).toEqual([
      "test/fixtures/content-nowhere:1:1: content folder not found: give the folder that holds portal.yaml",
    ]);
  });
});

/** A writable copy of content-min, for the checks that need one file changed. */
describe("loadCatalog on variations of a valid folder", () => {
  let root: string;
  afterEach(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  async function variant(files: Record<string, string | null>): Promise<{ content: string; load: () => Promise<string[]> }> {
    root = await mkdtemp(path.join(tmpdir(), "portico-model-"));
    await cp(path.join(FIXTURES, "content-min"), root, { recursive: true });
    const content = path.join(root, "content");
    for (const [name, text] of Object.entries(files)) {
      if (text === null) await rm(path.join(content, name), { recursive: true, force: true });
      else await writeFile(path.join(content, name), text);
    }
    return {
      content,
      load: async () => (await loadCatalog(content, options({ cwd: root }))).problems.map(formatProblem),
    };
  }

  it("reports a theme that does not exist at portal.yaml's theme", async () => {
    const { load } = await variant({ "portal.yaml": "title: X\ntheme: dafault\n" });
    expect(await load()).toEqual([
      "content/portal.yaml:2:8: theme 'dafault' not found: there is no themes/dafault/theme.yaml (did you mean 'default'?); themes in themes/: default",
    ]);
  });

  it("reports API paths that collide, the same or one under the other", async () => {
    const { load } = await variant({ "apis/weather/api.yaml": "path: /status/weather\nbackend: http://localhost:8090/weather\nopenapi: openapi.v2.yaml\n" });
    expect(await load()).toEqual([
      "content/apis/weather/api.yaml:1:7: path '/status/weather' is under the path of API 'status' ('/status'): the gateway could not tell their calls apart; choose paths where neither is a prefix of the other",
    ]);
  });

  it("reports a version default that is not a version, and a backend missing for a version", async () => {
    const { load } = await variant({
      "apis/weather/api.yaml": [
        "path: /weather",
        "versions:",
        "  scheme: query",
        "  name: api-version",
        "  default: v3",
        "  list:",
        "    - id: v1",
        "      openapi: openapi.v1.yaml",
        "      backend: http://localhost:8090/weather/v1",
        "    - id: v2",
        "      openapi: openapi.v2.yaml",
        "",
      ].join("\n"),
    });
    expect(await load()).toEqual([
      "content/apis/weather/api.yaml:5:12: versions.default must be the id of a version in versions.list (v1, v2), not 'v3'",
      "content/apis/weather/api.yaml:10:7: versions.list[1] has no backend: set backend here or at the top of api.yaml",
    ]);
  });

  it("rejects an API whose path has a trailing slash or '..'", async () => {
    const { load } = await variant({ "apis/status/api.yaml": "path: /status/../x/\nbackend: http://localhost:8090/status\n" });
    expect(await load()).toEqual(["content/apis/status/api.yaml:1:7: path must not end with '/' (write /status/../x)"]);
  });

  it("warns about files it does not read, and reports docs pages that would share a URL", async () => {
    const { content, load } = await variant({ "product.md": "stray\n", "docs/guides.md": "---\ntitle: Guides\n---\n" });
    await writeFile(path.join(content, "docs/guides/index.md"), "---\ntitle: Guides index\n---\n");
    expect(await load()).toEqual([
      "content/docs/guides.md:1:1: docs/guides.md and docs/guides/index.md both become the page /docs/guides: rename one",
      "content/product.md:1:1: warning: ignored: a content folder holds portal.yaml, groups.yaml, apis, products, policies, docs (did you mean 'products'?)",
    ]);
  });

  it("hides an API that is only in unpublished products from everyone but administrators", async () => {
    const { content } = await variant({ "products/basic.md": "---\ntitle: Basic\napis: [weather]\ngroups: [guests]\n---\n" });
    const { catalog } = await loadCatalog(content, options({ cwd: root }));
    expect(catalog!.products.basic!.state).toBe("notPublished");
    expect(catalog!.apis.weather!.visibility).toEqual(["administrators"]);
    expect(catalog!.apis.weather!.products).toEqual(["basic"]);
  });

  it("changes the version when any input file changes, theme files included", async () => {
    const { content } = await variant({});
    const first = (await loadCatalog(content, options())).catalog!.version;
    expect((await loadCatalog(content, options())).catalog!.version).toBe(first);
    const css = path.join(root, "themes/default/theme.css");
    await writeFile(css, `${await readFile(css, "utf8")}\n/* changed */\n`);
    const second = (await loadCatalog(content, options())).catalog!.version;
    expect(second).not.toBe(first);
    await writeFile(path.join(content, "docs/guides/image.svg"), "<svg/>");
    expect((await loadCatalog(content, options())).catalog!.version).not.toBe(second);
  });
});

describe("docSlug", () => {
  it("drops .md and index", () => {
    expect(docSlug("guides/keys.md")).toBe("guides/keys");
    expect(docSlug("guides/index.md")).toBe("guides");
    expect(docSlug("index.md")).toBe("");
  });
});
