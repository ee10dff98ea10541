/**
 * Declaring a policy: its options schema goes into the loader's registry
 * (so `portico validate` knows it) and its docs metadata into the list the
 * portal's policy pages are generated from. Each `policies/<name>/schema.ts`
 * calls `definePolicy` once; handlers live in `index.ts` beside it.
 */
import { z } from "zod";
import { policySections, registerPolicySchema } from "./registry.ts";
import type { PolicyMeta } from "./types.ts";

const metas = new Map<string, PolicyMeta>();

export function definePolicy<S extends z.ZodType>(meta: PolicyMeta<S>): PolicyMeta<S> {
  registerPolicySchema(meta.name, meta.schema);
  policySections[meta.name] = meta.sections;
  metas.set(meta.name, meta as unknown as PolicyMeta);
  return meta;
}

/** Every declared policy, highest priority first, then by name. */
export function policyMetas(): PolicyMeta[] {
  return [...metas.values()].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
}

// --- option pieces shared by several policies -------------------------------

export const onStoreErrorOption = () =>
  z
    .enum(["allow", "deny"])
    .default("allow")
    .meta({
      description:
        "What happens when the counter store cannot answer (e.g. Redis is down): `allow` lets the call through and logs and counts a warning; `deny` answers 503 STORE_UNAVAILABLE.",
    });

/** A period in seconds (whole or fractional), at least `min`. */
export const seconds = (description: string, min = 1) => z.number().min(min).meta({ description, examples: [10] });

/** An HTTP header name (RFC 9110 token). */
export const headerName = (description: string) =>
  z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: "must be a header name: letters, digits and !#$%&'*+.^_`|~-" })
    .meta({ description, examples: ["X-Channel"] });
