/**
 * rewrite-uri: the template is split into literal text and placeholders
 * once; per call only the placeholders are looked up and encoded.
 */
import { parseQuery } from "../exchange.ts";
import { makeStep, type PolicyDefinition } from "../types.ts";
import { rewriteUriPolicy } from "./schema.ts";

export const priority = rewriteUriPolicy.priority;

type Part = string | { name: string };

function split(text: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{([^{}]*)\}/g)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ name: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

export const definition: PolicyDefinition<typeof rewriteUriPolicy.schema> = {
  ...rewriteUriPolicy,
  create(options, ctx) {
    const q = options.template.indexOf("?");
    const pathParts = split(q === -1 ? options.template : options.template.slice(0, q));
    const queryParts = q === -1 ? null : split(options.template.slice(q + 1));
    const used = new Set<string>();
    for (const p of [...pathParts, ...(queryParts ?? [])]) if (typeof p !== "string") used.add(p.name);
    const queryNames = new Set<string>();
    if (queryParts !== null) {
      for (const pair of options.template.slice(q + 1).split("&")) {
        const eq = pair.indexOf("=");
        queryNames.add(eq === -1 ? pair : pair.slice(0, eq));
      }
    }
    const copy = options.copyUnmatchedParams;
    return makeStep(ctx, "rewrite-uri", function rewriteUri(ex) {
      let query: Record<string, string> | null = null;
      const valueOf = (name: string): string => {
        const fromPath = ex.params[name];
        if (fromPath !== undefined) return fromPath;
        query ??= parseQuery(ex.rawQuery);
        return query[name] ?? "";
      };
      const render = (parts: Part[]) => parts.map((p) => (typeof p === "string" ? p : encodeURIComponent(valueOf(p.name)))).join("");
      const path = render(pathParts);
      const out: string[] = queryParts === null ? [] : [render(queryParts)].filter((s) => s !== "");
      if (copy && ex.rawQuery !== "") {
        for (const pair of ex.rawQuery.split("&")) {
          const eq = pair.indexOf("=");
          const raw = eq === -1 ? pair : pair.slice(0, eq);
          let name = raw;
          try {
            name = decodeURIComponent(raw.replace(/\+/g, " "));
          } catch {
            // keep the raw name
          }
          if (pair !== "" && !used.has(name) && !queryNames.has(raw)) out.push(pair);
        }
      }
      ex.backendPath = path;
      ex.rawQuery = out.join("&");
      ex.changed();
      return undefined;
    });
  },
};
