/**
 * The slug rule of @scalar/helpers (`string/slugify`), repeated here so that
 * deep links printed in static HTML match the anchors the reference island
 * creates: lower case, letters/marks/numbers kept, runs of space, `_` and `-`
 * joined by one hyphen.
 */
const RE_NON_WORD = /[^\p{L}\p{M}\p{N}\s_-]/gu;
const RE_SPACES = /[\s_-]+/g;
const RE_TRIM_HYPHENS = /^-+|-+$/g;

export function scalarSlug(value: string): string {
  return value
    .slice(0, 255)
    .trim()
    .normalize("NFC")
    .toLowerCase()
    .replace(RE_NON_WORD, "")
    .replace(RE_SPACES, "-")
    .replace(RE_TRIM_HYPHENS, "");
}
