/**
 * Policy documents after their structure has been checked (`schemas.ts`):
 * each entry's policy name is looked up in the registry and its options are
 * validated by that policy's own schema, so a wrong option is reported at
 * the option, in the content file, like any other content problem.
 */
import type { PolicyDocument, PolicyEntry, Problem } from "./catalog.ts";
import { POLICY_SECTIONS } from "./catalog.ts";
import { parseWithFriendlyErrors } from "./friendly.ts";
import { didYouMean, listOf, problemAt } from "./problems.ts";
import { policyEntryInputSchema } from "./schemas.ts";
import { dottedPath, locate, type PathSegment, type YamlSource } from "./source.ts";
import { policySections, type PolicySchemaRegistry } from "../policies/schemas.ts";

export function emptyPolicyDocument(): PolicyDocument {
  return { inbound: [], backend: [], outbound: [], "on-error": [] };
}

/**
 * Resolves the policy document found at `basePath` in `source` (e.g.
 * `["policies"]` in a product's frontmatter, `[]` for policies/global.yaml).
 *
 * It reads the raw value rather than the schema's output so that policy
 * problems are reported even when something else in the same file is wrong:
 * the file's own schema reports structural problems (an entry that is not
 * `base` or a one-key map, an unknown section), and entries with those are
 * skipped here. Entries with problems are left out of the document; no
 * catalog is built when there are errors anyway.
 */
export function resolvePolicyDocument(
  raw: unknown,
  source: YamlSource,
  basePath: readonly PathSegment[],
  registry: PolicySchemaRegistry,
): { document: PolicyDocument; problems: Problem[] } {
  const document = emptyPolicyDocument();
  const problems: Problem[] = [];
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { document, problems };
  const known = Object.keys(registry).sort();
  for (const section of POLICY_SECTIONS) {
    const entries = (raw as Record<string, unknown>)[section];
    if (!Array.isArray(entries)) continue;
    let firstBase: number | undefined;
    entries.forEach((entry: unknown, index) => {
      if (!policyEntryInputSchema.safeParse(entry).success) return;
      const entryPath = [...basePath, section, index];
      if (entry === "base") {
        if (firstBase !== undefined) {
          problems.push(
            problemAt(locate(source, entryPath), `${dottedPath(entryPath)} is a second 'base' in ${section} (the first is ${dottedPath([...basePath, section, firstBase])}): keep only one`, {
              path: dottedPath(entryPath),
            }),
          );
          return;
        }
        firstBase = index;
        document[section].push({ kind: "base", at: locate(source, entryPath) });
        return;
      }
      const [name, rawOptions] = Object.entries(entry as Record<string, unknown>)[0]!;
      const namePath = [...entryPath, name];
      const at = locate(source, namePath, "key");
      const schema = Object.hasOwn(registry, name) ? registry[name] : undefined;
      if (schema === undefined) {
        const message =
          known.length === 0
            ? `unknown policy '${name}': this build has no policies registered`
            : `unknown policy '${name}'${didYouMean(name, known)}; known policies: ${listOf(known, 40)}`;
        problems.push(problemAt(at, message, { path: dottedPath(namePath) }));
        return;
      }
      const sections = Object.hasOwn(policySections, name) ? policySections[name]! : undefined;
      if (sections !== undefined && !sections.includes(section)) {
        problems.push(problemAt(at, `policy '${name}' cannot run in ${section}; it works in ${listOf([...sections], 4)}`, { path: dottedPath(namePath) }));
        return;
      }
      const options = parseWithFriendlyErrors(schema, rawOptions ?? {}, source, {
        basePath: namePath,
        rootName: `options of ${name}`,
      });
      problems.push(...options.problems);
      if (options.problems.length === 0) {
        const policy: PolicyEntry = { kind: "policy", name, options: options.data, at };
        document[section].push(policy);
      }
    });
  }
  return { document, problems };
}
