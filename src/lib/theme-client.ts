/** Shared with the browser: the localStorage key of the visitor's light/dark choice. */
export const THEME_STORAGE_KEY = "portico-theme";
