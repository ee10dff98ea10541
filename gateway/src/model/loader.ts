/**
 * `loadCatalog()`: a content folder (and its theme) in, one typed Catalog and
 * every problem out. It never stops at the first problem: each file is
 * checked on its own, then the references between files, so one run of
 * `portico validate` lists everything a publisher has to fix. References are
 * only checked against things that exist, so one broken file does not drag
 * a cascade of follow-on errors after it (a product naming an API whose
 * api.yaml is invalid is not also told that the API is missing).
 */
import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { policyOptionSchemas, type PolicySchemaRegistry } from "../policies/schemas.ts";
import {
  BUILT_IN_GROUPS,
  type Api,
  type ApiVersion,
  type Catalog,
  type DocPage,
  type Group,
  type LoadResult,
  type PolicyDocument,
  type Portal,
  type Problem,
  type Product,
  type SourcePosition,
  type Theme,
} from "./catalog.ts";
import type { Env } from "./env.ts";
import { parseWithFriendlyErrors } from "./friendly.ts";
import {
  checkApiPaths,
  checkGroups,
  checkLinks,
  checkProducts,
  deriveApiFields,
  type ApiRecord,
  type ApisResult,
  type DocRecord,
  type GroupsResult,
  type PageRecord,
  type ProductRecord,
} from "./references.ts";
import { loadDefinition, type LoadedDefinition } from "./openapi.ts";
import { emptyPolicyDocument, resolvePolicyDocument } from "./policies.ts";
import { didYouMean, hasErrors, listOf, problemAt, sortProblems, startOf } from "./problems.ts";
import {
  apiPoliciesSchema,
  apiSchema,
  docSchema,
  groupsSchema,
  ID_PATTERN,
  ID_RULE,
  policyDocumentSchema,
  portalSchema,
  productSchema,
  themeSchema,
} from "./schemas.ts";
import {
  dottedPath,
  findFrontmatter,
  locate,
  parseYaml,
  textFile,
  type LocateMode,
  type PathSegment,
  type YamlSource,
} from "./source.ts";

export interface LoadOptions {
  /** Values for `${NAME}` in content files; default `process.env`. */
  env?: Env;
  /** Folder holding the themes; default `<contentDir>/../themes`. */
  themesDir?: string;
  /** Options schemas of the known policies; default the shared registry. */
  policySchemas?: PolicySchemaRegistry;
  /** The working directory: relative folders are resolved against it and printed paths are relative to it; default `process.cwd()`. */
  cwd?: string;
}

const BUILT_IN: Record<string, Omit<Group, "id" | "source">> = {
  administrators: { name: "Administrators", description: "Manage the portal; see and approve everything." },
  developers: { name: "Developers", description: "Every signed-in user." },
  guests: { name: "Guests", description: "Everyone, signed in or not." },
};

/** What the content folder's top level may hold. */
const TOP_LEVEL = ["portal.yaml", "groups.yaml", "apis", "products", "policies", "docs"];

interface Context {
  dir: string;
  themesDir: string;
  env: Env;
  registry: PolicySchemaRegistry;
  cwd: string;
  problems: Problem[];
}

/** A value read from a YAML file or frontmatter, with the source to place problems in. */
interface Parsed<T> {
  source: YamlSource;
  data: T | undefined;
  /** The raw value before validation (for reading single keys of an invalid file). */
  raw: unknown;
}

// --- files -----------------------------------------------------------------

function display(ctx: Context, absolute: string): string {
  return path.relative(ctx.cwd, absolute).split(path.sep).join("/") || ".";
}

function relativeToContent(ctx: Context, absolute: string): string {
  return path.relative(ctx.dir, absolute).split(path.sep).join("/");
}

async function readText(absolute: string): Promise<string | undefined> {
  try {
    return await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR") return undefined;
    throw error;
  }
}

async function isDirectory(absolute: string): Promise<boolean> {
  try {
    return (await stat(absolute)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(absolute: string): Promise<boolean> {
  try {
    return (await stat(absolute)).isFile();
  } catch {
    return false;
  }
}

/** Entries of a folder, without hidden ones (`.DS_Store`, editor files), sorted; [] when missing. */
async function entries(absolute: string): Promise<Array<{ name: string; dir: boolean }>> {
  try {
    const list = await readdir(absolute, { withFileTypes: true });
    return list
      .filter((entry) => !entry.name.startsWith("."))
      .map((entry) => ({ name: entry.name, dir: entry.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/**
 * Reads and validates a YAML file. `undefined` when the file does not exist
 * (the caller decides whether that is a problem). An empty file is an empty
 * map, so that its required keys are reported as missing.
 */
async function loadYamlFile<S extends z.ZodType>(
  ctx: Context,
  absolute: string,
  schema: S,
): Promise<Parsed<z.output<S>> | undefined> {
  const text = await readText(absolute);
  if (text === undefined) return undefined;
  const parsed = parseYaml(textFile(display(ctx, absolute), text), { env: ctx.env });
  ctx.problems.push(...parsed.problems);
  if (parsed.value === undefined) return { source: parsed.source, data: undefined, raw: undefined };
  const input = parsed.value ?? {};
  const result = parseWithFriendlyErrors(schema, input, parsed.source, { rootName: path.basename(absolute) });
  ctx.problems.push(...result.problems);
  const failed = parsed.problems.some((p) => p.severity === "error") || result.data === undefined;
  return { source: parsed.source, data: failed ? undefined : result.data, raw: input };
}

/** Reads a markdown file's frontmatter (validated) and body. */
async function loadMarkdownFile<S extends z.ZodType>(
  ctx: Context,
  absolute: string,
  schema: S,
): Promise<(Parsed<z.output<S>> & { page: PageRecord }) | undefined> {
  const text = await readText(absolute);
  if (text === undefined) return undefined;
  const file = textFile(display(ctx, absolute), text);
  const fence = findFrontmatter(file);
  const page: PageRecord = { relative: relativeToContent(ctx, absolute), text, bodyStart: 0, display: file.file };
  if (fence === null) {
    ctx.problems.push(
      problemAt(
        startOf(file.file),
        "missing frontmatter: start the file with a '---' line, then its keys (e.g. 'title: …'), then another '---' line",
      ),
    );
    return { source: parseYaml(textFile(file.file, "")).source, data: undefined, raw: undefined, page };
  }
  if ("message" in fence) {
    ctx.problems.push(fence);
    return { source: parseYaml(textFile(file.file, "")).source, data: undefined, raw: undefined, page };
  }
  page.bodyStart = fence.bodyStart;
  const parsed = parseYaml(file, { env: ctx.env, end: fence.yamlEnd });
  ctx.problems.push(...parsed.problems);
  if (parsed.value === undefined) return { source: parsed.source, data: undefined, raw: undefined, page };
  const input = parsed.value ?? {};
  const result = parseWithFriendlyErrors(schema, input, parsed.source, { rootName: "the frontmatter" });
  ctx.problems.push(...result.problems);
  const failed = parsed.problems.some((p) => p.severity === "error") || result.data === undefined;
  return { source: parsed.source, data: failed ? undefined : result.data, raw: input, page };
}

function at(source: YamlSource, pathInFile: readonly PathSegment[], mode: LocateMode = "value"): SourcePosition {
  return locate(source, pathInFile, mode);
}

function report(ctx: Context, source: YamlSource, pathInFile: readonly PathSegment[], message: string, mode: LocateMode = "value"): void {
  ctx.problems.push(problemAt(at(source, pathInFile, mode), message, { path: dottedPath(pathInFile) }));
}

/** One key of an object schema, parsed on its own from a raw value. */
function field<T>(schema: { shape: Record<string, z.ZodType> }, raw: unknown, key: string): T | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const result = schema.shape[key]!.safeParse((raw as Record<string, unknown>)[key]);
  return result.success ? (result.data as T) : undefined;
}

function warnIgnored(ctx: Context, absolute: string, message: string): void {
  ctx.problems.push(problemAt(startOf(display(ctx, absolute)), message, { severity: "warning" }));
}

// --- the loader --------------------------------------------------------------

/**
 * Loads `contentDir` into a Catalog. Every problem found is in `problems`;
 * the catalog is present only when none of them is an error.
 */
export async function loadCatalog(contentDir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const dir = path.resolve(cwd, contentDir);
  const ctx: Context = {
    dir,
    themesDir: path.resolve(cwd, options.themesDir ?? path.join(dir, "..", "themes")),
    env: options.env ?? process.env,
    registry: options.policySchemas ?? policyOptionSchemas,
    cwd,
    problems: [],
  };
  if (!(await isDirectory(dir))) {
    ctx.problems.push(problemAt(startOf(display(ctx, dir)), "content folder not found: give the folder that holds portal.yaml"));
    return { problems: ctx.problems };
  }
  await checkTopLevel(ctx);

  const portal = await loadPortal(ctx);
  const groups = await loadGroups(ctx);
  const globalPolicies = await loadGlobalPolicies(ctx);
  const apis = await loadApis(ctx);
  const products = await loadProducts(ctx);
  const docs = await loadDocs(ctx);
  const theme = await loadTheme(ctx, portal);

  checkProducts(ctx.problems, products.records, apis, groups);
  checkGroups(ctx.problems, groups, apis.records, docs.records);
  checkApiPaths(ctx.problems, apis.records);
  checkLinks(ctx.problems, [...docs.pages, ...products.pages]);

  const problems = sortProblems(ctx.problems);
  if (hasErrors(problems) || portal === undefined || theme === undefined || groups.groups === undefined || globalPolicies === undefined) {
    return { problems };
  }
  const validApis = apis.records.flatMap((r) => (r.api === undefined ? [] : [r.api]));
  const validProducts = products.records.flatMap((r) => (r.product === undefined ? [] : [r.product]));
  deriveApiFields(validApis, validProducts);
  const catalog: Catalog = {
    dir,
    portal: portal.portal,
    groups: groups.groups,
    apis: Object.fromEntries(validApis.map((api) => [api.id, api])),
    products: Object.fromEntries(validProducts.map((product) => [product.id, product])),
    globalPolicies,
    docs: docs.records
      .flatMap((d) => (d.doc === undefined ? [] : [d.doc]))
      .sort((a, b) => a.order - b.order || a.title.localeCompare(b.title) || (a.slug < b.slug ? -1 : 1)),
    theme,
    version: await contentVersion(dir, theme.dir),
  };
  return { catalog, problems };
}

async function checkTopLevel(ctx: Context): Promise<void> {
  for (const entry of await entries(ctx.dir)) {
    if (TOP_LEVEL.includes(entry.name)) continue;
    const suggestion = didYouMean(entry.name, TOP_LEVEL);
    warnIgnored(ctx, path.join(ctx.dir, entry.name), `ignored: a content folder holds ${listOf(TOP_LEVEL)}${suggestion}`);
  }
}

// --- portal.yaml ---------------------------------------------------------------

async function loadPortal(ctx: Context): Promise<{ portal: Portal; source: YamlSource; themeDefaulted: boolean } | undefined> {
  const file = path.join(ctx.dir, "portal.yaml");
  const parsed = await loadYamlFile(ctx, file, portalSchema);
  if (parsed === undefined) {
    ctx.problems.push(
      problemAt(startOf(display(ctx, file)), "missing file: every content folder needs a portal.yaml with at least 'title: <portal name>'"),
    );
    return undefined;
  }
  const data = parsed.data;
  if (data === undefined) return undefined;
  const portal: Portal = {
    title: data.title,
    tagline: data.tagline,
    description: data.description,
    theme: data.theme,
    locale: data.locale,
    keyPrefix: data.keyPrefix,
    signUp: {
      enabled: data.signUp.enabled,
      fields: data.signUp.fields.map((field) => ({
        name: field.name,
        label: field.label,
        type: field.type,
        required: field.required,
        maxLength: field.maxLength,
        ...(field.options === undefined ? {} : { options: field.options }),
      })),
    },
    // The portal's title as the sender's name, quoted for RFC 5322.
    email: { from: data.email?.from ?? `"${data.title.replace(/["\\]/g, "")}" <noreply@localhost>` },
    file: "portal.yaml",
  };
  for (const key of ["url", "gatewayUrl", "serviceUrl", "editUrl", "footer"] as const) {
    if (data[key] !== undefined) portal[key] = data[key];
  }
  if (data.oidc !== undefined) {
    portal.oidc = { issuer: data.oidc.issuer, clientId: data.oidc.clientId, label: data.oidc.label, scopes: data.oidc.scopes };
    if (data.oidc.clientSecret !== undefined) portal.oidc.clientSecret = data.oidc.clientSecret;
  }
  const raw = parsed.raw as Record<string, unknown>;
  return { portal, source: parsed.source, themeDefaulted: raw.theme === undefined };
}

// --- groups.yaml ----------------------------------------------------------------

async function loadGroups(ctx: Context): Promise<GroupsResult> {
  const groups: Record<string, Group> = {};
  for (const id of BUILT_IN_GROUPS) groups[id] = { id, ...BUILT_IN[id]!, source: "built-in" };
  const parsed = await loadYamlFile(ctx, path.join(ctx.dir, "groups.yaml"), groupsSchema);
  if (parsed === undefined) return { groups, known: Object.keys(groups) };
  const raw = parsed.raw;
  const declared = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? Object.keys(raw) : [];
  const known = [...new Set([...BUILT_IN_GROUPS, ...declared])];
  if (parsed.data === undefined) return { groups: undefined, known };
  for (const [id, group] of Object.entries(parsed.data)) {
    groups[id] = { id, name: group.name, description: group.description, source: "content" };
  }
  return { groups, known };
}

// --- policies -------------------------------------------------------------------

async function loadGlobalPolicies(ctx: Context): Promise<PolicyDocument | undefined> {
  const folder = path.join(ctx.dir, "policies");
  for (const entry of await entries(folder)) {
    if (entry.name === "global.yaml") continue;
    warnIgnored(ctx, path.join(folder, entry.name), `ignored: only policies/global.yaml is read${didYouMean(entry.name, ["global.yaml"])}`);
  }
  const parsed = await loadYamlFile(ctx, path.join(folder, "global.yaml"), policyDocumentSchema);
  if (parsed === undefined) return emptyPolicyDocument();
  const resolved = resolvePolicyDocument(parsed.raw, parsed.source, [], ctx.registry);
  ctx.problems.push(...resolved.problems);
  return parsed.data === undefined ? undefined : resolved.document;
}

// --- APIs -----------------------------------------------------------------------

async function loadApis(ctx: Context): Promise<ApisResult> {
  const folder = path.join(ctx.dir, "apis");
  const ids = new Set<string>();
  const work: Array<Promise<ApiRecord | undefined>> = [];
  for (const entry of await entries(folder)) {
    const absolute = path.join(folder, entry.name);
    if (!entry.dir) {
      warnIgnored(ctx, absolute, "ignored: apis/ holds one folder per API, named by its id (e.g. apis/weather/api.yaml)");
      continue;
    }
    if (!ID_PATTERN.test(entry.name)) {
      const shown = display(ctx, path.join(absolute, "api.yaml"));
      ctx.problems.push(problemAt(startOf(shown), `the folder name '${entry.name}' is the API's id and ${ID_RULE}`));
      continue;
    }
    ids.add(entry.name);
    work.push(loadApi(ctx, entry.name, absolute));
  }
  const records = (await Promise.all(work)).filter((r): r is ApiRecord => r !== undefined);
  return { records, ids };
}

async function loadApi(ctx: Context, id: string, apiDir: string): Promise<ApiRecord | undefined> {
  const file = path.join(apiDir, "api.yaml");
  const parsed = await loadYamlFile(ctx, file, apiSchema);
  if (parsed === undefined) {
    ctx.problems.push(
      problemAt(startOf(display(ctx, file)), `missing file: the API folder apis/${id}/ needs an api.yaml with at least 'path' and 'backend'`),
    );
    return undefined;
  }
  const config = parsed.data;
  const source = parsed.source;
  if (config === undefined) {
    // The API's policies are still checked on their own.
    await loadApiPolicies(ctx, id, apiDir, undefined);
    return {
      id,
      source,
      path: field<string>(apiSchema, parsed.raw, "path"),
      visibility: field<string[]>(apiSchema, parsed.raw, "visibility"),
    };
  }

  // Each version's definition and backend, falling back to the API's; one
  // definition file used by several versions is loaded once.
  const plans = config.versions
    ? config.versions.list.map((v, index) => ({
        id: v.id,
        openapi: v.openapi ?? config.openapi,
        backend: (v.backend ?? config.backend)!,
        deprecated: v.deprecated,
        namedAt: v.openapi !== undefined ? ["versions", "list", index, "openapi"] : ["openapi"],
      }))
    : [{ id: "", openapi: config.openapi, backend: config.backend!, deprecated: false, namedAt: ["openapi"] }];
  const definitions = new Map<string, Promise<LoadedDefinition | undefined>>();
  const loadOnce = (relative: string, namedAt: PathSegment[]) => {
    let pending = definitions.get(relative);
    if (pending === undefined) {
      pending = (async () => {
        const absolute = path.join(apiDir, relative);
        if (!(await isFile(absolute))) {
          const defaulted = namedAt[0] === "openapi" && (parsed.raw as Record<string, unknown>).openapi === undefined;
          const present = (await entries(apiDir)).filter((e) => !e.dir && /\.(ya?ml|json)$/.test(e.name) && e.name !== "api.yaml" && e.name !== "policies.yaml").map((e) => e.name);
          const hint = present.length > 0 ? `${didYouMean(relative, present)}; definition files here: ${listOf(present)}` : "";
          const message = `OpenAPI definition '${relative}' not found in apis/${id}/${defaulted ? " (the default; set 'openapi' to name another file)" : ""}${hint}`;
          ctx.problems.push(problemAt(at(source, defaulted ? [] : namedAt, defaulted ? "container" : "value"), message, { path: defaulted ? "openapi" : dottedPath(namedAt) }));
          return undefined;
        }
        const result = await loadDefinition({ file: absolute, apiDir, display: (p) => display(ctx, p) });
        ctx.problems.push(...result.problems);
        return result.definition;
      })();
      definitions.set(relative, pending);
    }
    return pending;
  };
  const loaded = await Promise.all(plans.map((plan) => loadOnce(plan.openapi, plan.namedAt)));
  const complete = loaded.every((d) => d !== undefined);

  const versions: ApiVersion[] = plans.map((plan, index) => {
    const definition = loaded[index];
    return {
      id: plan.id,
      backend: plan.backend,
      openapiFile: plan.openapi,
      document: definition?.document ?? {},
      specVersion: definition?.specVersion ?? "",
      operations: definition?.operations ?? [],
      deprecated: plan.deprecated,
    };
  });
  const defaultIndex = config.versions?.default === undefined ? 0 : Math.max(0, plans.findIndex((p) => p.id === config.versions!.default));
  const main = loaded[defaultIndex] ?? loaded.find((d) => d !== undefined);

  const api: Api = {
    id,
    title: config.title ?? (main?.title || id),
    description: config.description ?? main?.description ?? "",
    path: config.path,
    tags: config.tags,
    tryIt: config.tryIt,
    subscription: config.subscription,
    versioning: config.versions
      ? {
          scheme: config.versions.scheme,
          name: config.versions.name ?? "",
          ...(config.versions.default === undefined ? {} : { default: config.versions.default }),
        }
      : null,
    versions,
    visibility: config.visibility ?? [],
    visibilityExplicit: config.visibility !== undefined,
    products: [],
    policies: { api: emptyPolicyDocument(), operations: {} },
    file: relativeToContent(ctx, file),
  };
  // Operation scopes are checked against the operations only when every
  // definition loaded; otherwise a missing operation may just be unread.
  const operationIds = complete ? [...new Set(versions.flatMap((v) => v.operations.map((o) => o.id)))] : undefined;
  api.policies = await loadApiPolicies(ctx, id, apiDir, operationIds);
  return { id, source, api: complete ? api : undefined, path: config.path, visibility: config.visibility };
}

async function loadApiPolicies(
  ctx: Context,
  id: string,
  apiDir: string,
  operationIds: string[] | undefined,
): Promise<Api["policies"]> {
  const policies: Api["policies"] = { api: emptyPolicyDocument(), operations: {} };
  const parsed = await loadYamlFile(ctx, path.join(apiDir, "policies.yaml"), apiPoliciesSchema);
  if (parsed === undefined) return policies;
  const raw = parsed.raw as Record<string, unknown> | undefined;
  const apiScope = resolvePolicyDocument(raw, parsed.source, [], ctx.registry);
  ctx.problems.push(...apiScope.problems);
  policies.api = apiScope.document;
  const operations = raw?.operations;
  if (operations === null || typeof operations !== "object" || Array.isArray(operations)) return policies;
  for (const [operationId, document] of Object.entries(operations)) {
    const scope = resolvePolicyDocument(document, parsed.source, ["operations", operationId], ctx.registry);
    ctx.problems.push(...scope.problems);
    policies.operations[operationId] = scope.document;
    if (operationIds !== undefined && !operationIds.includes(operationId)) {
      const list = operationIds.length === 0 ? "the definition has no operations" : `operations: ${listOf([...operationIds].sort(), 20)}`;
      report(
        ctx,
        parsed.source,
        ["operations", operationId],
        `unknown operationId '${operationId}'${didYouMean(operationId, operationIds)} in API '${id}'; ${list}`,
        "key",
      );
    }
  }
  return policies;
}

// --- products ---------------------------------------------------------------------

async function loadProducts(ctx: Context): Promise<{ records: ProductRecord[]; pages: PageRecord[] }> {
  const folder = path.join(ctx.dir, "products");
  const records: ProductRecord[] = [];
  const pages: PageRecord[] = [];
  for (const entry of await entries(folder)) {
    const absolute = path.join(folder, entry.name);
    if (entry.dir || !entry.name.endsWith(".md")) {
      warnIgnored(ctx, absolute, "ignored: products/ holds one <id>.md file per product");
      continue;
    }
    const id = entry.name.slice(0, -3);
    const loaded = await loadMarkdownFile(ctx, absolute, productSchema);
    if (loaded === undefined) continue;
    pages.push(loaded.page);
    if (!ID_PATTERN.test(id)) {
      ctx.problems.push(problemAt(startOf(display(ctx, absolute)), `the file name '${id}' is the product's id and ${ID_RULE}`));
      continue;
    }
    const raw = loaded.raw as Record<string, unknown> | undefined;
    const resolved = resolvePolicyDocument(raw?.policies, loaded.source, ["policies"], ctx.registry);
    ctx.problems.push(...resolved.problems);
    const data = loaded.data;
    if (data === undefined) {
      records.push({
        id,
        source: loaded.source,
        apis: field<string[]>(productSchema, raw, "apis"),
        groups: field<string[]>(productSchema, raw, "groups"),
        open: field<boolean>(productSchema, raw, "subscriptionRequired") === false,
      });
      continue;
    }
    const product: Product = {
      id,
      title: data.title,
      summary: data.summary,
      state: data.state,
      subscriptionRequired: data.subscriptionRequired,
      approvalRequired: data.approvalRequired,
      subscriptionsLimit: data.subscriptionsLimit,
      groups: data.groups,
      apis: data.apis,
      terms: data.terms,
      policies: resolved.document,
      order: data.order,
      body: loaded.page.text.slice(loaded.page.bodyStart),
      file: relativeToContent(ctx, absolute),
    };
    records.push({
      id,
      source: loaded.source,
      product,
      apis: data.apis,
      groups: data.groups,
      open: !data.subscriptionRequired,
    });
  }
  return { records, pages };
}

// --- docs ----------------------------------------------------------------------------

async function markdownFiles(folder: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await entries(folder)) {
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.dir) found.push(...(await markdownFiles(path.join(folder, entry.name), relative)));
    else if (entry.name.endsWith(".md")) found.push(relative);
  }
  return found;
}

/** `guides/keys.md` → `guides/keys`; `guides/index.md` → `guides`; `index.md` → ``. */
export function docSlug(relative: string): string {
  const segments = relative.replace(/\.md$/, "").split("/");
  if (segments[segments.length - 1] === "index") segments.pop();
  return segments.join("/");
}

async function loadDocs(ctx: Context): Promise<{ records: DocRecord[]; pages: PageRecord[] }> {
  const folder = path.join(ctx.dir, "docs");
  const records: DocRecord[] = [];
  const pages: PageRecord[] = [];
  const slugs = new Map<string, string>();
  for (const relative of await markdownFiles(folder)) {
    const absolute = path.join(folder, relative);
    const loaded = await loadMarkdownFile(ctx, absolute, docSchema);
    if (loaded === undefined) continue;
    pages.push(loaded.page);
    const shown = display(ctx, absolute);
    const segments = relative.replace(/\.md$/, "").split("/");
    const bad = segments.find((segment) => !ID_PATTERN.test(segment));
    if (bad !== undefined) {
      ctx.problems.push(problemAt(startOf(shown), `'${bad}' in docs/${relative} becomes part of the page's URL and ${ID_RULE}`));
      continue;
    }
    const slug = docSlug(relative);
    const other = slugs.get(slug);
    if (other !== undefined) {
      ctx.problems.push(problemAt(startOf(shown), `docs/${relative} and docs/${other} both become the page /docs/${slug}: rename one`));
      continue;
    }
    slugs.set(slug, relative);
    if (loaded.data === undefined) {
      records.push({ source: loaded.source, groups: field<string[]>(docSchema, loaded.raw, "groups") });
      continue;
    }
    const doc: DocPage = {
      slug,
      title: loaded.data.title,
      description: loaded.data.description,
      order: loaded.data.order,
      groups: loaded.data.groups,
      body: loaded.page.text.slice(loaded.page.bodyStart),
      file: relativeToContent(ctx, absolute),
    };
    records.push({ source: loaded.source, doc, groups: doc.groups });
  }
  return { records, pages };
}

// --- theme -------------------------------------------------------------------------

async function loadTheme(
  ctx: Context,
  portal: { portal: Portal; source: YamlSource; themeDefaulted: boolean } | undefined,
): Promise<Theme | undefined> {
  const id = portal?.portal.theme ?? "default";
  const dir = path.join(ctx.themesDir, id);
  const file = path.join(dir, "theme.yaml");
  if (!(await isFile(file))) {
    // Without a valid portal.yaml the theme it names is unknown: reporting
    // the default theme missing would only add noise.
    if (portal === undefined) return undefined;
    const available: string[] = [];
    for (const entry of await entries(ctx.themesDir)) {
      if (entry.dir && (await isFile(path.join(ctx.themesDir, entry.name, "theme.yaml")))) available.push(entry.name);
    }
    const where = display(ctx, ctx.themesDir);
    const list = available.length === 0 ? `; ${where}/ has no themes` : `; themes in ${where}/: ${listOf(available)}`;
    const message = `theme '${id}' not found: there is no ${where}/${id}/theme.yaml${didYouMean(id, available)}${list}`;
    ctx.problems.push(
      problemAt(at(portal.source, portal.themeDefaulted ? [] : ["theme"], portal.themeDefaulted ? "container" : "value"), message, {
        path: "theme",
      }),
    );
    return undefined;
  }
  const parsed = await loadYamlFile(ctx, file, themeSchema);
  const data = parsed?.data;
  if (parsed === undefined || data === undefined) return undefined;
  let ok = true;
  for (const key of ["logo", "favicon"] as const) {
    const name = data[key];
    if (name !== undefined && !(await isFile(path.join(dir, name)))) {
      report(ctx, parsed.source, [key], `${key} '${name}' not found in ${display(ctx, dir)}/`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  const theme: Theme = {
    id,
    name: data.name ?? id,
    dir,
    tokens: { light: data.light, dark: data.dark, fonts: data.fonts, radius: data.radius },
  };
  if (data.logo !== undefined) theme.logo = data.logo;
  if (data.favicon !== undefined) theme.favicon = data.favicon;
  return theme;
}

// --- version ---------------------------------------------------------------------------

async function hashTree(hash: ReturnType<typeof createHash>, root: string, label: string): Promise<void> {
  const files: string[] = [];
  const walk = async (folder: string, prefix: string) => {
    for (const entry of await entries(folder)) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.dir) await walk(path.join(folder, entry.name), relative);
      else files.push(relative);
    }
  };
  await walk(root, "");
  for (const relative of files.sort()) {
    // Length-prefixed so that no two different trees hash the same bytes.
    const content = await readFile(path.join(root, relative));
    hash.update(`${label}/${relative}\u0000${content.length}\u0000`);
    hash.update(content);
  }
}

/**
 * A hash of every file in the content folder and the theme folder (their
 * relative paths and bytes): it changes whenever anything the portal is
 * built from changes, and not when the folders move.
 */
export async function contentVersion(contentDir: string, themeDir: string): Promise<string> {
  const hash = createHash("sha256");
  await hashTree(hash, contentDir, "content");
  await hashTree(hash, themeDir, "theme");
  return hash.digest("hex");
}
