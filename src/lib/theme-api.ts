/**
 * What a theme's component overrides may import, as
 * `virtual:portico/theme-api`: a small, stable set of the portal's helpers,
 * so that an override in `themes/<name>/components/` (which may live in
 * another repository, outside this package) needs no relative path into
 * Portico's source. Page data comes from `Astro.locals.portico` (site.ts);
 * the built-in version of a component stays reachable as
 * `virtual:portico/defaults/<Name>`, so an override can wrap it.
 *
 * Adding a name here is a promise to keep it; removing one is a breaking
 * change for themes.
 */
export { apiHref, apiTags, defaultVersion, gatewayBaseUrl, isVersioned, operationCount, referenceHref } from "./apis.ts";
export { renderInline, renderMarkdown } from "./markdown.ts";
export { apiSample, homeSample, KEY_PLACEHOLDER } from "./samples.ts";
export { escapeHtml, firstParagraph, plainText } from "./text.ts";
