/**
 * set-query-parameter: edits the raw query string in place, so parameters
 * it does not name keep the caller's exact encoding.
 */
import { compileText } from "../expressions.ts";
import { makeStep, type PolicyDefinition } from "../types.ts";
import { setQueryParameterPolicy } from "./schema.ts";

export const priority = setQueryParameterPolicy.priority;

export const definition: PolicyDefinition<typeof setQueryParameterPolicy.schema> = {
  ...setQueryParameterPolicy,
  create(options, ctx) {
    const { name, exists } = options;
    const value = options.value === undefined ? null : compileText(options.value);
    const encodedName = encodeURIComponent(name);
    return makeStep(ctx, "set-query-parameter", function setQueryParameter(ex) {
      const pairs = ex.rawQuery === "" ? [] : ex.rawQuery.split("&");
      const present = pairs.some((p) => nameOf(p) === name);
      if (exists === "skip" && present) return undefined;
      const kept = exists === "append" ? pairs : pairs.filter((p) => nameOf(p) !== name);
      if (exists !== "delete") kept.push(`${encodedName}=${encodeURIComponent(value!(ex))}`);
      ex.rawQuery = kept.join("&");
      ex.changed();
      return undefined;
    });
  },
};

function nameOf(pair: string): string {
  const eq = pair.indexOf("=");
  const raw = eq === -1 ? pair : pair.slice(0, eq);
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}
