/**
 * The markdown copy of each page (`/docs/<slug>.md`, `/apis/<id>.md`,
 * `/products/<id>.md`) and `llms.txt`: the same guest-visible content as the
 * HTML, for tools and language models.
 */
import type { Api, DocPage, Product } from "../../gateway/src/model/catalog.ts";
import {
  apiHref,
  apiMarkdownHref,
  defaultVersion,
  definitionHref,
  gatewayBaseUrl,
  isVersioned,
  operationsByTag,
  referenceHref,
  versionSelector,
} from "./apis.ts";
import { flattenDocs } from "./docs-nav.ts";
import { operationHref } from "./operations.ts";
import { limitText } from "./format.ts";
import { allPolicyDocs, EXPRESSIONS_SLUG, POLICY_BASE, policySlug } from "./policy-docs.ts";
import { productLimits } from "./limits.ts";
import { contentPath } from "./links.ts";
import { publishMarkdown } from "./markdown.ts";
import { keylessForGuests } from "./samples.ts";
import type { Site } from "./site.ts";
import { firstParagraph, plainText } from "./text.ts";

function quote(text: string): string {
  return text
    .split("\n")
    .map((l) => `> ${l}`.trimEnd())
    .join("\n");
}

export function docMarkdown(site: Site, doc: DocPage): string {
  const body = publishMarkdown(site.view, doc.body, contentPath(doc.file)).trim().replace(/^#\s+.*\n+/, "");
  return [`# ${doc.title}`, doc.description ? quote(doc.description) : "", body, ""].filter((s, i) => s !== "" || i === 3).join("\n\n");
}

export function apiMarkdown(site: Site, api: Api): string {
  const { view, t } = site;
  const abs = (p: string) => site.siteUrl + p;
  const current = defaultVersion(api);
  const lines: string[] = [`# ${api.title}`, ""];
  const summary = firstParagraph(api.description, 300);
  if (summary) lines.push(quote(summary), "");
  lines.push(`- ${t("api.baseUrl")}: \`${gatewayBaseUrl(api, current, site.gatewayUrl)}\``);
  if (isVersioned(api)) lines.push(`- ${t("api.versions")}: ${api.versions.map((v) => (v.id === current.id ? `**${v.id}**` : v.id)).join(", ")}`);
  lines.push(
    `- ${t("api.auth")}: ${keylessForGuests(view, api) ? t("api.keyOptional") : t("api.keyRequired")} ` +
      `${t("api.keyHeader")} \`${api.subscription.header}\`, ${t("api.keyQuery")} \`${api.subscription.query}\`.`,
  );
  const products = view.productsOf(api);
  if (products.length > 0) lines.push(`- ${t("api.products")}: ${products.map((p) => `[${p.title}](${abs(`/products/${p.id}.md`)})`).join(", ")}`);
  lines.push(`- ${t("api.reference")}: ${abs(referenceHref(api))}`, "");
  if (api.description.trim() !== "" && plainText(api.description) !== summary) {
    lines.push(publishMarkdown(view, api.description, contentPath(api.file)).trim(), "");
  }

  for (const version of api.versions) {
    const explicit = isVersioned(api) ? version : undefined;
    lines.push(`## ${t("api.operationsTitle")}${isVersioned(api) ? ` (${version.id}${version.deprecated ? `, ${t("api.versionDeprecated")}` : ""})` : ""}`, "");
    lines.push(`${t("api.baseUrl")}: \`${gatewayBaseUrl(api, version, site.gatewayUrl)}\``);
    const selector = versionSelector(api, version);
    if (selector) lines.push("", t(selector.in === "header" ? "api.versionHeader" : "api.versionQuery", { name: `\`${selector.name}\``, value: `\`${selector.value}\`` }));
    lines.push("", `${t("api.download")}: [JSON](${abs(definitionHref(api, explicit, "json"))}), [YAML](${abs(definitionHref(api, explicit, "yaml"))})`, "");
    for (const group of operationsByTag(version)) {
      lines.push(`### ${group.tag ?? t("api.untagged")}`, "");
      for (const op of group.operations) {
        const summary = op.summary || op.id;
        lines.push(`- \`${op.method.toUpperCase()} ${op.path}\`: ${summary}${op.deprecated ? ` (${t("api.deprecated")})` : ""}`);
        const detail = plainText(op.description, 400);
        if (detail && detail !== summary) lines.push(`  ${detail}`);
        for (const p of op.parameters) {
          const desc = p.description ? `: ${plainText(p.description, 200)}` : "";
          lines.push(`  - \`${p.name}\` (${p.in}${p.required ? `, ${t("required")}` : ""})${desc}`);
        }
      }
      lines.push("");
    }
  }
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

export function productMarkdown(site: Site, product: Product): string {
  const { view, t } = site;
  const lines: string[] = [`# ${product.title}`, ""];
  if (product.summary) lines.push(quote(product.summary), "");
  const access = !product.subscriptionRequired ? t("product.openText") : product.approvalRequired ? t("product.approvalText") : t("product.subscribeText");
  lines.push(`- ${access}`);
  const limits = productLimits(product.policies);
  if (limits.length > 0) lines.push(`- ${t("product.limits")}: ${limits.map((l) => limitText(site, l)).join("; ")}`);
  if (product.subscriptionRequired && product.subscriptionsLimit !== null) lines.push(`- ${t("product.subscriptionsLimit", { count: product.subscriptionsLimit })}`);
  const apis = view.apisOf(product);
  if (apis.length > 0) lines.push(`- ${t("product.apis")}: ${apis.map((a) => `[${a.title}](${site.siteUrl}${apiMarkdownHref(a)})`).join(", ")}`);
  lines.push("");
  if (product.body.trim() !== "") lines.push(publishMarkdown(view, product.body, contentPath(product.file)).trim(), "");
  if (product.terms) lines.push(`## ${t("product.terms")}`, "", publishMarkdown(view, product.terms, contentPath(product.file)).trim(), "");
  return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** https://llmstxt.org: title, summary, then links to the markdown copies. */
export function llmsTxt(site: Site): string {
  const { view, t } = site;
  const abs = (p: string) => site.siteUrl + p;
  const lines: string[] = [`# ${view.portal.title}`, ""];
  const summary = view.portal.tagline || view.portal.description;
  if (summary) lines.push(quote(summary), "");
  if (view.portal.description && view.portal.description !== summary) lines.push(view.portal.description, "");
  lines.push(`${t("api.baseUrl")}: ${site.gatewayUrl}`, "");
  if (view.apis.length > 0) {
    lines.push(`## ${t("nav.apis")}`, "");
    for (const api of view.apis) {
      const d = firstParagraph(api.description, 160);
      lines.push(`- [${api.title}](${abs(apiMarkdownHref(api))})${d ? `: ${d}` : ""}`);
      lines.push(`  - OpenAPI: ${abs(definitionHref(api, undefined, "json"))}`);
    }
    lines.push("");
  }
  const docs = flattenDocs(site.docs).map((p) => view.doc(p.slug)).filter((d): d is DocPage => d !== undefined);
  if (docs.length > 0) {
    lines.push(`## ${t("nav.docs")}`, "");
    for (const doc of docs) lines.push(`- [${doc.title}](${abs(`/docs/${doc.slug}.md`)})${doc.description ? `: ${plainText(doc.description, 160)}` : ""}`);
    lines.push("");
  }
  lines.push(`## ${t("policies.title")}`, "");
  lines.push(`- [${t("policies.title")}](${abs(`/docs/${POLICY_BASE}.md`)}): ${t("policies.lead")}`);
  lines.push(`- [${t("policies.expressions")}](${abs(`/docs/${EXPRESSIONS_SLUG}.md`)}): ${t("policies.celLead")}`);
  for (const d of allPolicyDocs()) lines.push(`- [${d.name}](${abs(`/docs/${policySlug(d.name)}.md`)}): ${d.summary}`);
  lines.push("");
  if (view.products.length > 0) {
    lines.push(`## ${t("nav.products")}`, "");
    for (const p of view.products) lines.push(`- [${p.title}](${abs(`/products/${p.id}.md`)})${p.summary ? `: ${p.summary}` : ""}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd() + "\n";
}

/** Every HTML page a guest may open, for sitemap.xml. */
export function sitePages(site: Site): string[] {
  const { view } = site;
  const pages = ["/", "/apis"];
  for (const api of view.apis) {
    const current = defaultVersion(api);
    pages.push(apiHref(api), referenceHref(api), ...current.operations.map((op) => operationHref(api, undefined, current, op)));
    if (isVersioned(api)) {
      for (const v of api.versions) if (v.id !== "") pages.push(apiHref(api, v), referenceHref(api, v), ...v.operations.map((op) => operationHref(api, v, v, op)));
    }
  }
  if (view.products.length > 0) pages.push("/products", ...view.products.map((p) => `/products/${p.id}`));
  if (view.docs.length > 0) pages.push("/docs", ...flattenDocs(site.docs).map((p) => `/docs/${p.slug}`));
  return [...new Set(pages)];
}
