/**
 * Interface strings in the browser: the same `{name}` placeholders and
 * `.one`/`.other` plurals as src/lib/i18n.ts, over the bundle a page passes
 * to its island (island-messages.ts). Also the locale's date, time and
 * number formats.
 */
export interface MessageBundle {
  locale: string;
  messages: Record<string, string>;
}

export type T = (key: string, vars?: Record<string, string | number>) => string;

export interface Formatters {
  t: T;
  locale: string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  date(value: string | number | Date): string;
  dateTime(value: string | number | Date): string;
  /** "3 minutes ago", "in 2 days". */
  relative(value: string | number | Date): string;
}

export function createFormatters(bundle: MessageBundle): Formatters {
  const { locale, messages } = bundle;
  const plural = new Intl.PluralRules(locale);
  const numberFormat = new Intl.NumberFormat(locale);
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const t: T = (key, vars = {}) => {
    let k = key;
    if (typeof vars.count === "number" && messages[`${key}.other`] !== undefined) {
      k = `${key}.${plural.select(vars.count) === "one" ? "one" : "other"}`;
    }
    const template = messages[k];
    if (template === undefined) return key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars[name];
      if (value === undefined) return whole;
      return typeof value === "number" ? numberFormat.format(value) : value;
    });
  };
  return {
    t,
    locale,
    number: (value, options) => (options ? new Intl.NumberFormat(locale, options).format(value) : numberFormat.format(value)),
    date: (value) => dateFormat.format(new Date(value)),
    dateTime: (value) => dateTimeFormat.format(new Date(value)),
    relative(value) {
      const seconds = (new Date(value).getTime() - Date.now()) / 1000;
      const abs = Math.abs(seconds);
      if (abs < 45) return rtf.format(0, "second");
      if (abs < 45 * 60) return rtf.format(Math.round(seconds / 60), "minute");
      if (abs < 22 * 3600) return rtf.format(Math.round(seconds / 3600), "hour");
      if (abs < 26 * 86400) return rtf.format(Math.round(seconds / 86400), "day");
      return dateFormat.format(new Date(value));
    },
  };
}
