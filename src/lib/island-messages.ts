/**
 * The interface strings an island needs, picked at build time from
 * `src/i18n/<locale>.json` by key prefix (English fills what a translation
 * lacks) and passed to the island as a prop. Islands format them with
 * `client-i18n.ts`, so the locale files themselves never reach the browser.
 */
import { LOCALES } from "./i18n.ts";
import type { MessageBundle } from "./client-i18n.ts";

export function islandMessages(locale: string, prefixes: readonly string[]): MessageBundle {
  const lang = Object.hasOwn(LOCALES, locale) ? locale : "en";
  const en = LOCALES.en!;
  const own = LOCALES[lang]!;
  const messages: Record<string, string> = {};
  for (const key of Object.keys(en)) {
    if (prefixes.some((p) => key.startsWith(p))) messages[key] = own[key] ?? en[key]!;
  }
  return { locale: lang, messages };
}
