// @ts-check
/**
 * The portal build. Content, themes and the output folder come from
 * PORTICO_CONTENT, PORTICO_THEMES and PORTICO_DIST (defaults ./content,
 * ./themes, ./dist); the catalog is loaded once, by the portico integration.
 * Only what a guest may see is built (src/lib/visibility.ts).
 */
import react from "@astrojs/react";
import { defineConfig } from "astro/config";
import { porticoPaths } from "./src/lib/catalog.ts";
import { portico } from "./src/lib/integration.ts";

process.env.ASTRO_TELEMETRY_DISABLED = "1";

const paths = porticoPaths();

export default defineConfig({
  output: "static",
  outDir: paths.distDir,
  trailingSlash: "ignore",
  build: { format: "directory", inlineStylesheets: "auto" },
  devToolbar: { enabled: false },
  prefetch: false,
  integrations: [portico(paths), react()],
  vite: {
    build: { chunkSizeWarningLimit: 4096 },
    server: { fs: { allow: [".", paths.contentDir, paths.themesDir] } },
  },
});
