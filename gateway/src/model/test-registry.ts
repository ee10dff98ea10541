/**
 * Policy schemas for the model's tests. The real registry is filled by the
 * policy modules; the loader takes a registry as an option precisely so that
 * content tests do not depend on which policies exist or on their options.
 */
import path from "node:path";
import { z } from "zod";
import { registerPolicySchema, type PolicySchemaRegistry } from "../policies/schemas.ts";

export function testPolicies(): PolicySchemaRegistry {
  const registry: Record<string, z.ZodType> = {};
  registerPolicySchema(
    "rate-limit",
    z.strictObject({ calls: z.number().int().min(1), renewalPeriod: z.number().min(1) }),
    registry,
  );
  registerPolicySchema(
    "set-header",
    z.strictObject({ name: z.string().min(1), value: z.string(), exists: z.enum(["override", "skip", "append"]).default("override") }),
    registry,
  );
  return registry;
}

/** The repository root: printed paths in the tests are relative to it. */
export const ROOT = path.resolve(import.meta.dirname, "../../..");
export const FIXTURES = path.join(ROOT, "test/fixtures");
/** Themes for fixtures that have none of their own. */
export const THEMES = path.join(FIXTURES, "content-min/themes");
