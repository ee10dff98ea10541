/**
 * A deterministic generator of large OpenAPI 3.0 documents shaped like the
 * public definitions of Stripe, GitHub and Kubernetes: resources with CRUD
 * operations (5 per resource), shared components, `allOf` inheritance,
 * `oneOf` with a discriminator, Stripe's expandable fields (`oneOf: [id,
 * object]`), recursive schemas (a tree, an expression language, every
 * resource's `parent`), a deep chain of `$ref`s, and examples.
 *
 * Same `operations` and seed → byte-identical output.
 */

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = ["account", "charge", "customer", "invoice", "payout", "refund", "dispute", "product", "price", "coupon", "order", "shipment", "warehouse", "repository", "issue", "commit", "release", "deployment", "pod", "node", "volume", "secret", "webhook", "event", "session", "report", "team", "project", "pipeline", "artifact"];
const WORDS = ["primary", "billing", "display", "external", "internal", "legacy", "pending", "default", "current", "previous", "scheduled", "automatic", "manual", "verified", "restricted"];
const DEPTH = 8;

type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export interface GenerateOptions {
  seed?: number;
  /**
   * What each resource's `related` array points at: the next resource in
   * its group of 10 (`group`: reference cycles of 10 schemas), or the next
   * resource overall (`all`: one cycle through every resource, as in
   * Stripe's definition, where objects reference objects across the API).
   */
  links?: "group" | "all";
}

export function generateOpenApi(operations: number, options: GenerateOptions = {}): Json {
  const seed = options.seed ?? 42;
  const links = options.links ?? "group";
  const rnd = prng(seed + operations);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const resources = Math.ceil(operations / 5);
  const schemas: Json = {};

  schemas.Error = { type: "object", required: ["error"], properties: { error: { type: "object", required: ["type", "message"], properties: { type: { type: "string", enum: ["api_error", "card_error", "idempotency_error", "invalid_request_error"] }, code: { type: "string" }, message: { type: "string" }, param: { type: "string" }, doc_url: { type: "string", format: "uri" } } } }, example: { error: { type: "invalid_request_error", message: "No such object: 'obj_123'", param: "id" } } };
  schemas.Money = { type: "object", required: ["amount", "currency"], properties: { amount: { type: "integer", description: "In the currency's smallest unit.", example: 1999 }, currency: { type: "string", pattern: "^[a-z]{3}$", example: "eur" } } };
  schemas.Address = { type: "object", properties: { line1: { type: "string", maxLength: 200 }, line2: { type: "string", nullable: true }, city: { type: "string" }, postal_code: { type: "string" }, state: { type: "string" }, country: { type: "string", pattern: "^[A-Z]{2}$" } }, example: { line1: "1 Main St", city: "Oslo", postal_code: "0150", country: "NO" } };
  schemas.Metadata = { type: "object", additionalProperties: { type: "string", maxLength: 500 }, description: "Key-value pairs you can attach to an object." };
  schemas.Timestamps = { type: "object", required: ["created"], properties: { created: { type: "integer", format: "int64", description: "Unix time." }, updated: { type: "integer", format: "int64", nullable: true }, livemode: { type: "boolean" } } };
  schemas.PageInfo = { type: "object", required: ["has_more"], properties: { has_more: { type: "boolean" }, next_cursor: { type: "string", nullable: true }, total_count: { type: "integer" } } };
  // Recursive: a tree (Kubernetes' JSONSchemaProps has the same shape).
  schemas.TreeNode = { type: "object", properties: { name: { type: "string" }, value: { type: "number" }, parent: ref("TreeNode"), children: { type: "array", items: ref("TreeNode") } } };
  // Recursive through oneOf: an expression language (Stripe's search filters, GitHub's rulesets).
  schemas.Literal = { type: "object", required: ["kind", "value"], properties: { kind: { type: "string", enum: ["literal"] }, value: { oneOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] } } };
  schemas.BinaryOp = { type: "object", required: ["kind", "op", "left", "right"], properties: { kind: { type: "string", enum: ["binary"] }, op: { type: "string", enum: ["and", "or", "eq", "ne", "lt", "gt"] }, left: ref("Expression"), right: ref("Expression") } };
  schemas.Call = { type: "object", required: ["kind", "name"], properties: { kind: { type: "string", enum: ["call"] }, name: { type: "string" }, args: { type: "array", items: ref("Expression") } } };
  schemas.Expression = { oneOf: [ref("Literal"), ref("BinaryOp"), ref("Call")], discriminator: { propertyName: "kind", mapping: { literal: "#/components/schemas/Literal", binary: "#/components/schemas/BinaryOp", call: "#/components/schemas/Call" } } };
  // A deep chain of references: Settings1 → Settings2 → … → Settings8.
  for (let d = 1; d <= DEPTH; d++) {
    schemas[`Settings${d}`] = { type: "object", description: `Settings, level ${d}.`, properties: { enabled: { type: "boolean" }, [`${pick(WORDS)}_mode`]: { type: "string", enum: ["off", "on", "auto"] }, ...(d < DEPTH ? { next: ref(`Settings${d + 1}`) } : { limit: { type: "integer", minimum: 0 } }) } };
  }

  const names: string[] = [];
  for (let i = 0; i < resources; i++) names.push(`${NOUNS[i % NOUNS.length]}${i >= NOUNS.length ? String(Math.floor(i / NOUNS.length) + 1) : ""}`);
  const schemaName = (i: number) => names[i]!.split(/(\d+)/).filter(Boolean).map(cap).join("");

  const paths: Json = {};
  const tags: Json[] = [];
  let made = 0;
  for (let i = 0; i < resources; i++) {
    const n = names[i]!;
    const S = schemaName(i);
    const tag = cap(NOUNS[i % NOUNS.length]!) + (i >= NOUNS.length ? ` ${Math.floor(i / NOUNS.length) + 1}` : "");
    tags.push({ name: tag, description: `Create and manage ${n} objects.` });
    const extra: Json = {};
    const fields = 4 + Math.floor(rnd() * 10);
    for (let k = 0; k < fields; k++) {
      const w = `${pick(WORDS)}_${pick(NOUNS)}_${k}`;
      const t = rnd();
      extra[w] = t < 0.3 ? { type: "string", description: `The ${w.replace(/_/g, " ")}.`, maxLength: 5000 } : t < 0.5 ? { type: "integer", minimum: 0 } : t < 0.65 ? { type: "boolean" } : t < 0.8 ? { type: "array", items: { type: "string" } } : { type: "string", format: "date-time", nullable: true };
    }
    const example = { id: `${n.slice(0, 3)}_1Nv0FGQ9RKHgCVdK`, object: n, created: 1680000000, name: `My ${n}`, status: "active", amount: { amount: 1999, currency: "eur" }, metadata: { order_id: "6735" } };
    schemas[S] = {
      description: `A ${n} object.`,
      allOf: [
        ref("Timestamps"),
        {
          type: "object",
          required: ["id", "object", "status"],
          properties: {
            id: { type: "string", description: "Unique identifier for the object.", example: example.id },
            object: { type: "string", enum: [n] },
            name: { type: "string", nullable: true },
            description: { type: "string", nullable: true, maxLength: 5000 },
            status: { type: "string", enum: ["active", "inactive", "pending", "archived"] },
            amount: ref("Money"),
            address: ref("Address"),
            metadata: ref("Metadata"),
            // Stripe's expandable field: an id, or the object when expanded.
            owner: { description: "The owning account: its id, or the object with `expand[]=owner`.", oneOf: [{ type: "string" }, ref(schemaName(0))] },
            parent: { ...ref(S) },
            related: { type: "array", items: ref(schemaName(links === "all" ? (i + 1) % resources : Math.min(resources - 1, i - (i % 10) + (((i % 10) + 1) % 10)))) },
            settings: ref("Settings1"),
            filter: ref("Expression"),
            tree: ref("TreeNode"),
            source: {
              oneOf: [
                { type: "object", title: "card", required: ["type"], properties: { type: { type: "string", enum: ["card"] }, last4: { type: "string" }, brand: { type: "string" } } },
                { type: "object", title: "bank_account", required: ["type"], properties: { type: { type: "string", enum: ["bank_account"] }, iban_last4: { type: "string" }, bank_name: { type: "string" } } },
                { type: "object", title: "wallet", required: ["type"], properties: { type: { type: "string", enum: ["wallet"] }, provider: { type: "string" } } },
              ],
              discriminator: { propertyName: "type" },
            },
            ...extra,
          },
        },
      ],
      example,
    };
    schemas[`${S}Create`] = { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 200 }, description: { type: "string" }, amount: ref("Money"), address: ref("Address"), metadata: ref("Metadata"), settings: ref("Settings1"), filter: ref("Expression") }, example: { name: `My ${n}`, amount: { amount: 1999, currency: "eur" } } };
    schemas[`${S}List`] = { type: "object", required: ["data", "page"], properties: { object: { type: "string", enum: ["list"] }, data: { type: "array", items: ref(S) }, page: ref("PageInfo") } };

    const errors = { "400": { description: "Invalid request.", content: { "application/json": { schema: ref("Error") } } }, "404": { description: "No such object.", content: { "application/json": { schema: ref("Error") } } } };
    const one = (desc: string) => ({ description: desc, content: { "application/json": { schema: ref(S), example } } });
    const idParam = { name: "id", in: "path", required: true, description: `The ${n}'s id.`, schema: { type: "string" }, example: example.id };
    const expand = { name: "expand[]", in: "query", required: false, description: "Fields to expand.", schema: { type: "array", items: { type: "string", enum: ["owner", "parent", "related"] } }, style: "form", explode: true };
    const base = `/v1/${n}s`;
    const ops: Array<[string, string, Json]> = [
      [base, "get", { operationId: `list${S}s`, summary: `List ${n}s`, description: `Returns a list of ${n}s, newest first. Paginate with \`starting_after\`.`, tags: [tag], parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 10 } }, { name: "starting_after", in: "query", schema: { type: "string" } }, { name: "status", in: "query", schema: { type: "string", enum: ["active", "inactive", "pending", "archived"] } }, expand], responses: { "200": { description: `A page of ${n}s.`, content: { "application/json": { schema: ref(`${S}List`), example: { object: "list", data: [example], page: { has_more: false } } } } }, ...errors } }],
      [base, "post", { operationId: `create${S}`, summary: `Create a ${n}`, tags: [tag], requestBody: { required: true, content: { "application/json": { schema: ref(`${S}Create`) } } }, responses: { "201": one(`The new ${n}.`), ...errors } }],
      [`${base}/{id}`, "get", { operationId: `get${S}`, summary: `Retrieve a ${n}`, tags: [tag], parameters: [idParam, expand], responses: { "200": one(`The ${n}.`), ...errors } }],
      [`${base}/{id}`, "patch", { operationId: `update${S}`, summary: `Update a ${n}`, tags: [tag], parameters: [idParam], requestBody: { required: true, content: { "application/json": { schema: { allOf: [ref(`${S}Create`), { type: "object", properties: { status: { type: "string", enum: ["active", "inactive"] } } }] } } } }, responses: { "200": one(`The updated ${n}.`), ...errors } }],
      [`${base}/{id}`, "delete", { operationId: `delete${S}`, summary: `Delete a ${n}`, tags: [tag], parameters: [idParam], responses: { "200": { description: "Deleted.", content: { "application/json": { schema: { type: "object", properties: { id: { type: "string" }, deleted: { type: "boolean", enum: [true] } } }, example: { id: example.id, deleted: true } } } }, ...errors } }],
    ];
    for (const [p, method, op] of ops) {
      if (made >= operations) break;
      const item = (paths[p] ??= {}) as Json;
      item[method] = op;
      made++;
    }
  }
  return {
    openapi: "3.0.3",
    info: { title: `Large API (${operations} operations)`, version: "2026-01-01", description: "A generated definition for the portal build benchmark: Stripe-like resources, recursive schemas, deep references." },
    servers: [{ url: "https://api.example.com" }],
    tags,
    paths,
    components: { schemas, securitySchemes: { key: { type: "apiKey", in: "header", name: "Ocp-Apim-Subscription-Key" } } },
    security: [{ key: [] }],
  };
}

export function countOperations(doc: Json): number {
  let n = 0;
  for (const item of Object.values(doc.paths as Record<string, Json>)) for (const m of Object.keys(item)) if (["get", "post", "put", "patch", "delete"].includes(m)) n++;
  return n;
}
