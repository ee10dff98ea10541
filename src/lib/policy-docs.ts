/**
 * The policy reference in the docs: an index, one page per policy and a page
 * on expressions (the CEL context), generated from the policies themselves
 * (`policyDocs()` and `celContextDocs()` in gateway/src/policies/docs.ts), so
 * they say exactly what `portico validate` accepts. Each page is written as
 * markdown once: the HTML page renders it, and its `.md` copy publishes it.
 *
 * The pages sit in the docs sidebar under "Policy reference", after the
 * content's own pages, at `/docs/policies`, `/docs/policies/<name>` and
 * `/docs/policies/expressions`. They are the same for every audience.
 */
import { celContextDocs, policyDocs, type PolicyDoc, type PolicyOptionDoc } from "../../gateway/src/policies/docs.ts";
import type { NavFolder, NavPage } from "./docs-nav.ts";
import type { Translate } from "./i18n.ts";

export const POLICY_BASE = "policies";
export const EXPRESSIONS_SLUG = `${POLICY_BASE}/expressions`;

let docs: PolicyDoc[] | undefined;

/** Every policy, highest priority first (the order the gateway uses when order is free). */
export function allPolicyDocs(): PolicyDoc[] {
  docs ??= policyDocs();
  return docs;
}

/** Whether `/docs/<slug>` is a page of the policy reference. */
export function isPolicyReferenceSlug(slug: string): boolean {
  if (slug === POLICY_BASE || slug === EXPRESSIONS_SLUG) return true;
  return slug.startsWith(POLICY_BASE + "/") && allPolicyDocs().some((d) => policySlug(d.name) === slug);
}

export function policySlug(name: string): string {
  return `${POLICY_BASE}/${name}`;
}

/** The sidebar folder: overview, expressions, then the policies by priority. */
export function policyNav(t: Translate): NavFolder {
  const page = (slug: string, title: string, order: number): NavPage => ({ type: "page", slug, title, order });
  return {
    type: "folder",
    path: POLICY_BASE,
    label: t("policies.title"),
    order: Number.MAX_SAFE_INTEGER,
    page: page(POLICY_BASE, t("policies.title"), 0),
    children: [page(EXPRESSIONS_SLUG, t("policies.expressions"), 1), ...allPolicyDocs().map((d, i) => page(policySlug(d.name), d.name, 2 + i))],
  };
}

/** Text safe in one markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ").trim();
}

function code(text: string): string {
  const ticks = text.includes("`") ? "``" : "`";
  return `${ticks}${text}${ticks}`.replace(/\|/g, "\\|");
}

/** An option's default as written in YAML (JSON for lists and maps), or undefined when it has none. */
export function optionDefault(option: PolicyOptionDoc): string | undefined {
  if (option.default === undefined) return undefined;
  return typeof option.default === "string" ? option.default : JSON.stringify(option.default);
}

function sectionsText(t: Translate, doc: PolicyDoc): string {
  return doc.sections.map((s) => code(s)).join(", ") + (doc.sections.length === 4 ? ` (${t("policies.everySection")})` : "");
}

/** The text of a policy's page between its summary and its options (the page prints the rest itself). */
export function policyDescription(doc: PolicyDoc): string {
  return doc.description.trim() + "\n";
}

/** A policy's options as a markdown list: name, type, required or default, description. */
function optionsMarkdown(t: Translate, doc: PolicyDoc): string {
  if (doc.options.length === 0) return t("policies.noOptions", { example: code(`${doc.name}: {}`) });
  return doc.options
    .map((o) => {
      const fallback = optionDefault(o);
      const facts = [o.type, o.required ? t("required") : undefined, fallback === undefined ? undefined : `${t("policies.default")} ${code(fallback)}`].filter(Boolean).join("; ");
      const text = o.description.replace(/\s*\n\s*/g, " ").trim();
      return `- ${code(o.name)} (${facts})${text ? `: ${text}` : ""}`;
    })
    .join("\n");
}

/** The `.md` copy of a policy's page. */
export function policyMarkdown(t: Translate, doc: PolicyDoc): string {
  return [
    `# ${doc.name}`,
    "",
    `> ${doc.summary}`,
    "",
    `- **${t("policies.sections")}:** ${sectionsText(t, doc)}`,
    `- **${t("policies.priority")}:** ${doc.priority}. ${t("policies.priorityText")}`,
    "",
    policyDescription(doc),
    `## ${t("policies.options")}`,
    "",
    optionsMarkdown(t, doc),
    "",
    `## ${t("policies.example")}`,
    "",
    "```yaml",
    doc.example.trimEnd(),
    "```",
  ].join("\n") + "\n";
}

/** The body of the overview page: what a policy is, then every policy in a table. */
export function policiesIndexBody(t: Translate): string {
  const lines: string[] = [t("policies.intro"), "", t("policies.scopes"), ""];
  lines.push("```yaml", "inbound:", "  - base", "  - rate-limit: { calls: 10, renewalPeriod: 10 }", "outbound:", "  - set-header: { name: X-Served-By, value: portico }", "```", "");
  lines.push(t("policies.expressionsLink", { href: `/docs/${EXPRESSIONS_SLUG}` }), "");
  lines.push(`## ${t("policies.all")}`, "", `| ${t("policies.policy")} | ${t("policies.sections")} | ${t("policies.summary")} |`, "|---|---|---|");
  for (const d of allPolicyDocs()) {
    const sections = d.sections.length === 4 ? t("policies.everySection") : d.sections.join(", ");
    lines.push(`| [${code(d.name)}](/docs/${policySlug(d.name)}) | ${sections} | ${cell(d.summary)} |`);
  }
  lines.push("");
  return lines.join("\n");
}

export function policiesIndexMarkdown(t: Translate): string {
  return [`# ${t("policies.title")}`, "", policiesIndexBody(t)].join("\n").trimEnd() + "\n";
}

/** The body of the expressions page: the CEL context, variable by variable. */
export function expressionsBody(t: Translate): string {
  const lines: string[] = [t("policies.celIntro"), ""];
  lines.push("```yaml", "- set-header: { name: X-Caller, value: { expr: 'subscription.id + \"@\" + request.ip' } }", "- choose:", "    when:", "      - condition: 'request.headers[?\"x-channel\"].orValue(\"\") == \"mobile\"'", "        policies:", "          - rate-limit-by-key: { calls: 20, renewalPeriod: 60, counterKey: request.ip }", "```", "");
  lines.push(`## ${t("policies.variables")}`, "", `| ${t("policies.variable")} | ${t("policies.fields")} | ${t("policies.description")} |`, "|---|---|---|");
  for (const v of celContextDocs()) {
    const fields = Object.entries(v.fields).map(([name, type]) => `${code(name)}: ${cell(type)}`).join("<br>");
    lines.push(`| ${code(v.name)} | ${fields || "–"} | ${cell(v.description)} |`);
  }
  lines.push("", `## ${t("policies.missingKeys")}`, "", t("policies.missingKeysText"), "");
  return lines.join("\n");
}

export function expressionsMarkdown(t: Translate): string {
  return [`# ${t("policies.expressions")}`, "", expressionsBody(t)].join("\n").trimEnd() + "\n";
}
