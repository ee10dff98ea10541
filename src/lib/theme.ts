/**
 * The theme's design tokens as CSS custom properties. Every colour token of
 * `theme.yaml` becomes `--portico-<name>` (camelCase → kebab-case) for the
 * light scheme, and again for dark under `[data-theme=dark]` and under
 * `prefers-color-scheme: dark` unless the visitor chose light. Fonts become
 * `--portico-font-body|heading|mono`, the radius `--portico-radius`. The
 * declarations sit in `@layer portico.theme`, above the built-in defaults and
 * below the theme's own theme.css (which is not layered).
 */
import type { Theme } from "../../gateway/src/model/catalog.ts";

/** The cascade layers, lowest first; printed before any other style. */
export const LAYER_ORDER = "@layer portico.base, portico.components, portico.theme;";

/** localStorage key of the visitor's choice, and the attribute on <html>. */
export { THEME_STORAGE_KEY } from "./theme-client.ts";
import { THEME_STORAGE_KEY } from "./theme-client.ts";

const NAME = /^[a-zA-Z][a-zA-Z0-9-]*$/;

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** A token value safe inside a declaration: no braces, semicolons or tags. */
function safe(value: string): string | undefined {
  const v = String(value).trim();
  return v === "" || /[;{}<>]/.test(v) ? undefined : v;
}

function declarations(tokens: Record<string, string>): string {
  const out: string[] = [];
  for (const [name, value] of Object.entries(tokens)) {
    const v = safe(value);
    if (NAME.test(name) && v !== undefined) out.push(`--portico-${kebab(name)}:${v}`);
  }
  return out.join(";");
}

export function tokensCss(theme: Theme): string {
  const { light, dark, fonts, radius } = theme.tokens;
  const shared = declarations({
    fontBody: fonts.body,
    fontHeading: fonts.heading,
    fontMono: fonts.mono,
    radius,
  });
  const l = declarations(light);
  const d = declarations(dark);
  return (
    `@layer portico.theme{` +
    `:root{${shared};${l}}` +
    `:root[data-theme=dark]{${d}}` +
    `@media (prefers-color-scheme:dark){:root:not([data-theme=light]){${d}}}` +
    `}`
  );
}

/**
 * Runs before the first paint: applies a stored light/dark choice and marks
 * that scripts run (so that controls needing JavaScript show only then).
 */
export const THEME_BOOT_SCRIPT =
  `(()=>{const d=document.documentElement;d.dataset.js="";` +
  `try{const t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")d.dataset.theme=t}catch{}})()`;
