import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWithFriendlyErrors } from "./friendly.ts";
import { formatProblem, sortProblems } from "./problems.ts";
import { apiSchema, docSchema, groupsSchema, portalSchema, productSchema, themeSchema } from "./schemas.ts";
import { parseYaml, textFile } from "./source.ts";

/** Validates YAML text against a schema and prints the problems as `portico validate` does. */
function check(schema: z.ZodType, file: string, text: string): string[] {
  const parsed = parseYaml(textFile(file, text), { env: {} });
  expect(parsed.problems).toEqual([]);
  const { problems } = parseWithFriendlyErrors(schema, parsed.value ?? {}, parsed.source, { rootName: file });
  return sortProblems(problems).map(formatProblem);
}

function data<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  const parsed = parseYaml(textFile("x.yaml", text), { env: {} });
  const result = parseWithFriendlyErrors(schema, parsed.value ?? {}, parsed.source);
  expect(result.problems.map(formatProblem)).toEqual([]);
  return result.data!;
}

describe("portal.yaml", () => {
  it("fills the documented defaults", () => {
    expect(data(portalSchema, "title: Portal\n")).toEqual({
      title: "Portal",
      tagline: "",
      description: "",
      theme: "default",
      locale: "en",
      keyPrefix: "portico",
      signUp: { enabled: true, fields: [] },
    });
  });

  it("explains wrong values where they are", () => {
    expect(
      check(
        portalSchema,
        "portal.yaml",
        [
          "title: ''",
          "locale: fr",
          "url: localhost:4000",
          "keyPrefix: Drone_Fly",
          "signUp:",
          "  fields:",
          "    - { name: email, label: E-mail }",
          "    - { name: plan, label: Plan, type: select }",
          "    - { name: size, label: Size, options: [S, M] }",
          "oidc:",
          "  clientId: portal",
          "  scopes: [email]",
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "portal.yaml:1:8: title must not be empty",
      `portal.yaml:2:9: locale must be one of en, de, not "fr"`,
      `portal.yaml:3:6: url must be an absolute http:// or https:// URL (e.g. https://api.example.com)`,
      `portal.yaml:4:12: keyPrefix must be 1 to 16 lowercase letters or digits (e.g. dfly), not "Drone_Fly"`,
      "portal.yaml:7:15: signUp.fields[0].name must not be 'email', which the sign-up form always has: choose another name",
      "portal.yaml:8:7: missing required key 'options' in signUp.fields[1]: a select field needs its choices, e.g. 'options: [Logistics, Retail]'",
      "portal.yaml:9:43: signUp.fields[2].options is only used by fields with type: select",
      "portal.yaml:11:3: missing required key 'issuer' in oidc: add it, e.g. 'issuer: https://login.example.com'",
      "portal.yaml:12:11: oidc.scopes must include 'openid'",
    ]);
  });

  it("reports a list where a map belongs, naming the file", () => {
    expect(check(portalSchema, "portal.yaml", "- title: x\n")).toEqual(["portal.yaml:1:1: portal.yaml must be a map (key: value lines), not a list"]);
  });
});

describe("groups.yaml", () => {
  it("checks ids and refuses built-in names", () => {
    expect(check(groupsSchema, "groups.yaml", "Partners:\n  name: P\nadministrators:\n  name: Admins\nfleet:\n  description: no name\n")).toEqual([
      "groups.yaml:1:1: key 'Partners' must be lowercase letters, digits and '-', starting with a letter or digit (e.g. weather-api)",
      "groups.yaml:3:1: key 'administrators' is a built-in group and cannot be redefined: choose another id",
      "groups.yaml:6:3: missing required key 'name' in fleet: add it, e.g. 'name: Fleet partners'",
    ]);
  });
});

describe("api.yaml", () => {
  it("fills the documented defaults", () => {
    expect(data(apiSchema, "path: /weather\nbackend: https://weather.internal\n")).toEqual({
      path: "/weather",
      backend: "https://weather.internal",
      openapi: "openapi.yaml",
      tags: [],
      tryIt: true,
      subscription: { required: true, header: "Ocp-Apim-Subscription-Key", query: "subscription-key" },
    });
  });

  it("checks paths, names and files", () => {
    expect(
      check(
        apiSchema,
        "api.yaml",
        [
          "path: /weather//v1",
          "openapi: ../shared/openapi.yaml",
          "tags: [a, a]",
          "subscription:",
          "  header: X Key",
          "versions:",
          "  scheme: path",
          "  name: v",
          "  list: [{ id: v1 }]",
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "api.yaml:1:7: path must not contain empty segments ('//')",
      `api.yaml:2:10: openapi must name a file inside this folder (no '..' or empty segments), not "../shared/openapi.yaml"`,
      `api.yaml:3:11: tags[1] repeats tag "a": remove it`,
      `api.yaml:5:11: subscription.header must be an HTTP header name (letters, digits and '-', e.g. X-Api-Version), not "X Key"`,
      "api.yaml:8:9: versions.name is only used with scheme: header or scheme: query; remove it",
      "api.yaml:9:10: versions.list[0] has no backend: set backend here or at the top of api.yaml",
    ]);
    expect(check(apiSchema, "api.yaml", "path: /w\nbackend: http://x\nversions:\n  scheme: path\n  name: v\n  list: [{ id: v1 }]\n")).toEqual([
      "api.yaml:5:9: versions.name is only used with scheme: header or scheme: query; remove it",
    ]);
    expect(check(apiSchema, "api.yaml", "path: /w/caf\u00e9\nbackend: http://x\n")).toEqual([
      "api.yaml:1:7: path must have segments of letters, digits and - . _ ~ only ('café' has others)",
    ]);
  });

  it("needs a backend at the top or in every version", () => {
    expect(check(apiSchema, "api.yaml", "path: /weather\ntryIt: false\n")).toEqual([
      "api.yaml:1:1: missing required key 'backend': the URL calls are forwarded to, e.g. 'backend: https://weather.internal.example.com'",
    ]);
  });
});

describe("product frontmatter", () => {
  it("fills the documented defaults: hidden until published", () => {
    expect(data(productSchema, "title: Gold\n")).toEqual({
      title: "Gold",
      summary: "",
      state: "notPublished",
      subscriptionRequired: true,
      approvalRequired: false,
      subscriptionsLimit: null,
      groups: ["administrators"],
      apis: [],
      order: Number.MAX_SAFE_INTEGER,
      terms: null,
    });
  });

  it("refuses settings an open product cannot have", () => {
    expect(
      check(productSchema, "starter.md", "title: Starter\nsubscriptionRequired: false\napprovalRequired: true\nsubscriptionsLimit: 2\nterms: Be nice.\n"),
    ).toEqual([
      "starter.md:3:19: approvalRequired must be false in an open product (subscriptionRequired: false): it has no subscriptions to approve",
      "starter.md:4:21: subscriptionsLimit is not used by an open product (subscriptionRequired: false): remove it",
      "starter.md:5:8: terms are never shown for an open product (subscriptionRequired: false): nobody subscribes to accept them",
    ]);
  });

  it("checks limits and the structure of policies", () => {
    expect(
      check(
        productSchema,
        "basic.md",
        [
          "title: Basic",
          "subscriptionsLimit: 0.5",
          "policies:",
          "  inbound:",
          "    - cors",
          "    - { quota: {}, rate-limit: {} }",
          "    - quota: 5",
          "  outbond: []",
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "basic.md:2:21: subscriptionsLimit must be a whole number, not the number 0.5; use a whole number",
      "basic.md:5:7: policies.inbound[0] must be 'base' or one policy as a map, e.g. '- rate-limit: { calls: 10, renewalPeriod: 10 }', not \"cors\"; a policy without options is written '- cors: {}'",
      "basic.md:6:7: policies.inbound[1] names 2 policies (quota, rate-limit): write each policy as its own list entry ('- quota: …', '- rate-limit: …')",
      "basic.md:7:14: policies.inbound[2].quota must be a map of the policy's options (or {} for none), e.g. '- rate-limit: { calls: 10, renewalPeriod: 10 }'",
      "basic.md:8:3: unknown key 'outbond' in policies (did you mean 'outbound'?); allowed keys: inbound, backend, outbound, on-error",
    ]);
  });
});

describe("docs frontmatter and theme.yaml", () => {
  it("defaults docs to everyone", () => {
    expect(data(docSchema, "title: Start\n")).toEqual({ title: "Start", description: "", order: Number.MAX_SAFE_INTEGER, groups: ["guests"] });
  });

  it("requires the three base colours and keeps further tokens", () => {
    expect(
      check(themeSchema, "theme.yaml", 'logo: /etc/logo.svg\nradius: "4px; color: red"\nlight: { background: "#fff", text: "#000" }\ndark: { background: "#000", text: "#fff", accent: "#08f", Muted: "#888" }\n'),
    ).toEqual([
      `theme.yaml:1:7: logo must be a path relative to this folder with '/' separators, not "/etc/logo.svg"`,
      `theme.yaml:2:9: radius must be a CSS value without ; { } < >, not "4px; color: red"`,
      "theme.yaml:3:8: missing required key 'accent' in light",
      "theme.yaml:4:59: dark.Muted is not a token name: use letters, digits and '-', starting with a lowercase letter",
    ]);
    expect(data(themeSchema, 'light: { background: "#fff", text: "#000", accent: "#08f", muted: "#888" }\ndark: { background: "#000", text: "#fff", accent: "#08f" }\n').light).toEqual({
      background: "#fff",
      text: "#000",
      accent: "#08f",
      muted: "#888",
    });
  });
});

describe("unions", () => {
  const schema = z.strictObject({
    limit: z.union([z.number(), z.literal("unlimited")]),
    target: z.union([z.string(), z.strictObject({ url: z.string(), timeout: z.number() })]).optional(),
  });

  it("name the kinds that would do when the value fits none", () => {
    expect(check(schema, "x.yaml", "limit: [1]\n")).toEqual(["x.yaml:1:8: limit must be a number or 'unlimited', not a list"]);
  });

  it("report the alternative the value came closest to, not every alternative", () => {
    expect(check(schema, "x.yaml", "limit: 1\ntarget: { url: http://x, timeout: soon, retries: 2 }\n")).toEqual([
      'x.yaml:2:35: target.timeout must be a number, not the string "soon"',
      "x.yaml:2:41: unknown key 'retries' in target; allowed keys: url, timeout",
    ]);
  });
});
