/**
 * Components a theme may replace by name. A theme that places
 * `themes/<name>/components/<Name>.astro` gets its file wherever the portal
 * imports `virtual:portico/components/<Name>`; the built-in version stays
 * reachable as `virtual:portico/defaults/<Name>`, so an override can wrap it.
 * Components read the page's data from `Astro.locals.portico` (see site.ts),
 * so an override receives the same props and locals as the default, and may
 * import the portal's helpers from `virtual:portico/theme-api`
 * (theme-api.ts). Example: themes/signal/components/Hero.astro.
 */
export const COMPONENTS = {
  /** `<head>` contents: title, meta description, OpenGraph, favicon. Props: `title`, `description`, `canonical`, `noindex`. */
  Head: "src/components/Head.astro",
  /** Skip link, logo, main navigation, theme switch. Props: `current` (the section). */
  Header: "src/components/Header.astro",
  /** Footer text and links. */
  Footer: "src/components/Footer.astro",
  /** The home page's first block: title, tagline, calls to action. */
  Hero: "src/components/Hero.astro",
  /** One API in a list. Props: `api`. */
  ApiCard: "src/components/ApiCard.astro",
  /** One product in a list. Props: `product`. */
  ProductCard: "src/components/ProductCard.astro",
  /** The docs navigation. Props: `current` (slug). */
  Sidebar: "src/components/Sidebar.astro",
  /** "On this page". Props: `headings`. */
  TableOfContents: "src/components/TableOfContents.astro",
  /** Previous/next links under a docs page. Props: `prev`, `next`. */
  DocsPager: "src/components/DocsPager.astro",
  /** HTTP method label. Props: `method`. */
  MethodBadge: "src/components/MethodBadge.astro",
  /** The search button and dialog (Pagefind). */
  Search: "src/components/Search.astro",
  /** The light/dark switch. */
  ThemeToggle: "src/components/ThemeToggle.astro",
  /** The theme's logo next to the portal title. */
  Logo: "src/components/Logo.astro",
} as const;

export type ComponentName = keyof typeof COMPONENTS;

export const COMPONENT_NAMES = Object.keys(COMPONENTS) as ComponentName[];

export function isComponentName(name: string): name is ComponentName {
  return Object.hasOwn(COMPONENTS, name);
}
