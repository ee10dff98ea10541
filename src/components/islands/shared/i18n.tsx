/**
 * The island's strings and formats, from the bundle its page passed in
 * (src/lib/island-messages.ts), available to every component below it.
 */
import { createContext, useContext, useMemo, type ReactNode } from "react";
import { createFormatters, type Formatters, type MessageBundle } from "../../../lib/client-i18n.ts";

const I18n = createContext<Formatters | null>(null);

export function I18nProvider({ bundle, children }: { bundle: MessageBundle; children: ReactNode }) {
  const value = useMemo(() => createFormatters(bundle), [bundle]);
  return <I18n.Provider value={value}>{children}</I18n.Provider>;
}

export function useI18n(): Formatters {
  const value = useContext(I18n);
  if (value === null) throw new Error("useI18n outside <I18nProvider>");
  return value;
}
