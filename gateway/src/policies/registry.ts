/**
 * The registry of policy options schemas, by the name publishers write in
 * policy documents (`- rate-limit: { calls: 10, renewalPeriod: 10 }`).
 *
 * The content loader validates each policy entry's options against this
 * registry, so a policy exists for `portico validate` as soon as its schema
 * is registered here; its handler lives beside the schema in
 * `policies/<name>/`. Registering through `registerPolicySchema` rather than
 * writing into the record checks the name once, at startup, and keeps the
 * schema's type for the handler that imports it.
 *
 * This module imports no policy: each policy's `schema.ts` imports it to
 * register itself, and `schemas.ts` imports every policy's `schema.ts`, so
 * whoever imports `schemas.ts` (the loader) sees the full registry.
 */
import type { z } from "zod";
import { ConfigError } from "../errors.ts";

/** Policy names are what publishers type: lowercase words joined by '-'. */
export const POLICY_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** A registry of policy option schemas by policy name. */
export type PolicySchemaRegistry = Readonly<Record<string, z.ZodType>>;

/** Every known policy's options schema, by policy name. */
export const policyOptionSchemas: Record<string, z.ZodType> = {};

/**
 * The sections each declared policy may run in, by policy name, so that the
 * loader reports `cache-store` under `inbound` as a content problem at its
 * line instead of the gateway refusing the configuration at start.
 */
export const policySections: Record<string, readonly string[]> = {};

/**
 * Adds a policy's options schema to `registry` (the shared one by default)
 * and returns the schema unchanged, so a policy module can write
 *
 * ```ts
 * export const rateLimitOptions = registerPolicySchema("rate-limit", z.strictObject({ calls: z.number().int().min(1), renewalPeriod: z.number().min(1) }));
 * export type RateLimitOptions = z.output<typeof rateLimitOptions>;
 * ```
 *
 * The schema should be a `z.strictObject` with defaults, as every content
 * schema is: what it outputs is what the handler receives. Throws a
 * ConfigError for a malformed name, for `base` (the section marker), and for
 * a name registered twice (two modules claiming one policy is a bug to find
 * at startup, not a silent override).
 */
export function registerPolicySchema<S extends z.ZodType>(
  name: string,
  schema: S,
  registry: Record<string, z.ZodType> = policyOptionSchemas,
): S {
  if (!POLICY_NAME.test(name)) {
    throw new ConfigError(`policy name "${name}" must be lowercase words joined by '-' (e.g. rate-limit)`);
  }
  if (name === "base") {
    throw new ConfigError(`policy name "base" is reserved: it marks where the parent scope's policies run`);
  }
  if (Object.hasOwn(registry, name)) {
    throw new ConfigError(`policy "${name}" is registered twice: each policy has one options schema`);
  }
  registry[name] = schema;
  return schema;
}

/** The options a policy's handler receives: the output of its registered schema. */
export type PolicyOptions<S extends z.ZodType> = z.output<S>;
