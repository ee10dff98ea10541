/**
 * Compiles the catalog's policy documents into one pipeline per
 * (operation, product), once per configuration.
 *
 * Scopes nest global → product → API → operation. In each section a scope's
 * list replaces its `base` entry with the parent's effective list (no `base`:
 * the parent's list runs first). Every entry becomes one Step, built once and
 * shared by every pipeline that contains it, so counters, caches and
 * compiled expressions are built here and never per call. An operation and
 * product with no policy at any scope gets no pipeline at all (null): the
 * gateway then forwards exactly as it would without a policy engine.
 */
import { ConfigError } from "../errors.ts";
import type { Api, ApiVersion, Catalog, Operation, PolicyDocument, PolicyEntry, PolicySection, SourcePosition } from "../model/catalog.ts";
import { batchLimits } from "./limit-batch.ts";
import type { CorsRuntime, CreateContext, PolicyDefinition, PolicyEnv, Step } from "./types.ts";

export interface Pipeline {
  inbound: readonly Step[];
  backend: readonly Step[];
  outbound: readonly Step[];
  onError: readonly Step[];
  /**
   * True when every outbound step is synchronous and works on headers only:
   * the backend's answer then streams, and the steps run as its head
   * arrives. False: the answer is read whole (bounded) first.
   */
  streamOutbound: boolean;
  /** When set, the request body is read (up to this many bytes) before inbound runs. */
  requestBodyLimit: number | null;
  /** The first cors policy of inbound, for preflights and for errors sent before the pipeline. */
  cors: CorsRuntime | null;
  env: PolicyEnv;
}

export interface CompiledPolicies {
  /** The pipeline for calls to `operation` attributed to `productId`; null when no policy applies. */
  pipeline(operation: Operation, productId: string | null): Pipeline | null;
  /** Backend origins that policies name (set-backend-service), so their connection pools stay open. */
  origins: Set<string>;
  /** Distinct pipelines built, for logs and tests. */
  size: number;
}

/** Request bodies that expressions may read (`request.body`) are read up to this size. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

interface Scoped {
  entry: Extract<PolicyEntry, { kind: "policy" }>;
  id: string;
}

const SECTIONS: readonly PolicySection[] = ["inbound", "backend", "outbound", "on-error"];

export function compilePolicies(catalog: Catalog, env: PolicyEnv, definitions: ReadonlyMap<string, PolicyDefinition>): CompiledPolicies {
  const shared = new Map<PolicyEntry, Step>();
  const perOperation = new Map<PolicyEntry, Map<Operation, Step>>();
  const stepIds = new WeakMap<Step, number>();
  const pipelines = new Map<string, Pipeline>();
  const byOperation = new Map<Operation, { none: Pipeline | null; products: Map<string, Pipeline | null> }>();
  const origins = new Set<string>();

  let nextStepId = 1;
  const idOf = (step: Step): number => {
    let id = stepIds.get(step);
    if (id === undefined) {
      id = nextStepId++;
      stepIds.set(step, id);
    }
    return id;
  };

  const instantiate = (scoped: Scoped, section: PolicySection, target: { api: Api; version: ApiVersion; operation: Operation }): Step => {
    const { entry } = scoped;
    const definition = definitionFor(definitions, entry.name, entry.at);
    checkSection(definition, section, entry.at);
    if (definition.perOperation) {
      let byOp = perOperation.get(entry);
      if (byOp === undefined) perOperation.set(entry, (byOp = new Map()));
      let step = byOp.get(target.operation);
      if (step === undefined) byOp.set(target.operation, (step = create(definition, entry.options, contextFor(scoped.id, entry.at, section, target))));
      return step;
    }
    let step = shared.get(entry);
    if (step === undefined) shared.set(entry, (step = create(definition, entry.options, contextFor(scoped.id, entry.at, section, target))));
    return step;
  };

  const contextFor = (id: string, at: SourcePosition, section: PolicySection, target: { api: Api; version: ApiVersion; operation: Operation }): CreateContext => ({
    env,
    section,
    id,
    at,
    target,
    compileNested(entries, path) {
      return entries.map((nested, i) => {
        const definition = definitionFor(definitions, nested.name, at);
        checkSection(definition, section, at, `${path}[${i}]`);
        return create(definition, nested.options, contextFor(`${id}/${path}/${i}`, at, section, target));
      });
    },
  });

  const create = (definition: PolicyDefinition, options: unknown, ctx: CreateContext): Step => {
    try {
      let step = definition.create(options as never, ctx);
      // An expression reading `request.body` needs the body read before inbound runs.
      if (step.requestBodyLimit === null && (ctx.section === "inbound" || ctx.section === "backend") && JSON.stringify(options).includes("request.body")) {
        step = { ...step, requestBodyLimit: DEFAULT_BODY_LIMIT };
      }
      const backend = (options as { url?: unknown } | null)?.url;
      if (definition.name === "set-backend-service" && typeof backend === "string") origins.add(new URL(backend).origin);
      return step;
    } catch (err) {
      if (err instanceof ConfigError && !err.message.startsWith(position(ctx.at))) throw new ConfigError(`${position(ctx.at)}: ${definition.name}: ${err.message}`);
      throw err;
    }
  };

  const global = catalog.globalPolicies;
  for (const api of Object.values(catalog.apis)) {
    const products = api.products.filter((id) => catalog.products[id]?.state === "published");
    for (const version of api.versions) {
      for (const operation of version.operations) {
        const target = { api, version, operation };
        const opDoc = api.policies.operations[operation.id];
        const build = (productId: string | null): Pipeline | null => {
          const product = productId === null ? undefined : catalog.products[productId];
          const lists = {} as Record<PolicySection, Step[]>;
          let total = 0;
          for (const section of SECTIONS) {
            let list = merge([], global, section, "global");
            if (product !== undefined) list = merge(list, product.policies, section, `product:${product.id}`);
            list = merge(list, api.policies.api, section, `api:${api.id}`);
            list = merge(list, opDoc, section, `operation:${api.id}:${operation.id}`);
            lists[section] = list.map((scoped) => instantiate(scoped, section, target));
            total += list.length;
          }
          if (total === 0) return null;
          const key = SECTIONS.map((s) => lists[s].map(idOf).join(",")).join("|");
          let pipeline = pipelines.get(key);
          if (pipeline === undefined) {
            pipeline = assemble(lists, env);
            pipelines.set(key, pipeline);
          }
          return pipeline;
        };
        const entry = { none: build(null), products: new Map<string, Pipeline | null>() };
        for (const productId of products) entry.products.set(productId, build(productId));
        byOperation.set(operation, entry);
      }
    }
  }

  return {
    pipeline(operation, productId) {
      const entry = byOperation.get(operation);
      if (entry === undefined) return null;
      if (productId === null) return entry.none;
      const found = entry.products.get(productId);
      return found === undefined ? entry.none : found;
    },
    origins,
    size: pipelines.size,
  };
}

/** `parent` with `document`'s section applied on top of it. */
function merge(parent: Scoped[], document: PolicyDocument | undefined, section: PolicySection, scope: string): Scoped[] {
  const entries = document?.[section];
  if (entries === undefined || entries.length === 0) return parent;
  const own: Scoped[] = [];
  let sawBase = false;
  entries.forEach((entry, index) => {
    if (entry.kind === "base") {
      sawBase = true;
      own.push(...parent);
    } else {
      own.push({ entry, id: `${scope}/${section}/${index}` });
    }
  });
  return sawBase ? own : [...parent, ...own];
}

function assemble(lists: Record<PolicySection, Step[]>, env: PolicyEnv): Pipeline {
  let requestBodyLimit: number | null = null;
  for (const step of [...lists.inbound, ...lists.backend]) {
    if (step.requestBodyLimit !== null) requestBodyLimit = Math.max(requestBodyLimit ?? 0, step.requestBodyLimit);
  }
  return {
    inbound: batchLimits(lists.inbound, env),
    backend: lists.backend,
    outbound: lists.outbound,
    onError: lists["on-error"],
    streamOutbound: lists.outbound.every((s) => s.sync && !s.needsResponseBody),
    requestBodyLimit,
    cors: lists.inbound.find((s) => s.cors !== undefined)?.cors ?? null,
    env,
  };
}

function definitionFor(definitions: ReadonlyMap<string, PolicyDefinition>, name: string, at: SourcePosition): PolicyDefinition {
  const definition = definitions.get(name);
  // The loader refuses unknown policies; this is a registry without a handler.
  if (definition === undefined) throw new ConfigError(`${position(at)}: policy '${name}' has a schema but no handler`);
  return definition;
}

function checkSection(definition: PolicyDefinition, section: PolicySection, at: SourcePosition, nested?: string): void {
  if (definition.sections.includes(section)) return;
  const where = nested === undefined ? "" : ` (in ${nested})`;
  throw new ConfigError(`${position(at)}: policy '${definition.name}'${where} cannot run in ${section}; it works in ${definition.sections.join(", ")}`);
}

function position(at: SourcePosition): string {
  return `${at.file}:${at.line}:${at.column}`;
}
