/**
 * Interface strings, from `src/i18n/<locale>.json`, chosen by `portal.locale`.
 * A message may hold `{name}` placeholders; a key with `.one`/`.other`
 * variants is plural and picks by the `count` variable. English fills any
 * key a translation lacks.
 */
import de from "../i18n/de.json" with { type: "json" };
import en from "../i18n/en.json" with { type: "json" };

type Messages = Record<string, string>;

export const LOCALES: Record<string, Messages> = { en, de };

export type MessageKey = keyof typeof en extends infer K ? (K extends `${infer Base}.${"one" | "other"}` ? Base : K) : never;

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(locale: string): Translate {
  const lang = Object.hasOwn(LOCALES, locale) ? locale : "en";
  const messages: Messages = LOCALES[lang]!;
  const fallback: Messages = en;
  const plural = new Intl.PluralRules(lang);
  const number = new Intl.NumberFormat(lang);
  return (key, vars = {}) => {
    let k: string = key;
    if (typeof vars.count === "number" && (messages[`${key}.other`] ?? fallback[`${key}.other`]) !== undefined) {
      k = `${key}.${plural.select(vars.count) === "one" ? "one" : "other"}`;
    }
    const template = messages[k] ?? fallback[k];
    if (template === undefined) throw new Error(`no interface string "${k}" in src/i18n/en.json`);
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? number.format(value) : value;
    });
  };
}

/** Formats a number for the locale (thousands separators). */
export function formatNumber(locale: string, value: number): string {
  return new Intl.NumberFormat(Object.hasOwn(LOCALES, locale) ? locale : "en").format(value);
}
