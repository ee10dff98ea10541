/**
 * Policy lists inside a policy (choose's branches), validated against the
 * same registry as top-level entries, with problems placed at the nested
 * option in the content file.
 */
import { z } from "zod";
import { allowedKeys } from "../model/friendly.ts";
import { didYouMean, listOf } from "../model/problems.ts";
import { policyOptionSchemas } from "./registry.ts";

export interface NestedEntry {
  name: string;
  options: unknown;
}

const EXAMPLE = "e.g. '- set-header: { name: X-A, value: b }'";

export function nestedPolicyList(description: string) {
  return z
    .array(
      z.unknown().transform((entry, ctx): NestedEntry => {
        if (entry === null || typeof entry !== "object" || Array.isArray(entry) || Object.keys(entry).length !== 1) {
          ctx.addIssue({ code: "custom", message: `must be one policy as a map, ${EXAMPLE}` });
          return z.NEVER;
        }
        const [name, raw] = Object.entries(entry as Record<string, unknown>)[0]!;
        if (name === "base") {
          ctx.addIssue({ code: "custom", message: "cannot be 'base' here: base marks where a parent scope runs, and a nested list has none" });
          return z.NEVER;
        }
        const schema = Object.hasOwn(policyOptionSchemas, name) ? policyOptionSchemas[name] : undefined;
        if (schema === undefined) {
          const known = Object.keys(policyOptionSchemas).sort();
          ctx.addIssue({ code: "custom", path: [name], message: `is not a known policy${didYouMean(name, known)}; known policies: ${listOf(known, 40)}`, params: { at: "key" } });
          return z.NEVER;
        }
        const parsed = schema.safeParse(raw ?? {});
        if (parsed.success) return { name, options: parsed.data };
        for (const issue of parsed.error.issues) {
          if (issue.code === "unrecognized_keys") {
            // The outer schema cannot list this policy's keys (it does not know
            // which policy an entry is), so say them here.
            const allowed = allowedKeys(schema, issue.path as Array<string | number>);
            for (const key of issue.keys) {
              ctx.addIssue({
                code: "custom",
                path: [name, ...issue.path, key],
                message: `is not an option of ${name}${didYouMean(key, allowed)}; allowed keys: ${listOf(allowed, 30)}`,
                params: { at: "key" },
              });
            }
          } else {
            ctx.addIssue({ ...(issue as unknown as z.core.$ZodRawIssue), path: [name, ...issue.path] } as never);
          }
        }
        return z.NEVER;
      }),
    )
    .meta({ description });
}
