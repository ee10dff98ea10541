/**
 * The Astro integration behind `astro.config.mjs`: it loads the catalog once
 * (failing the build with every content problem), provides the virtual
 * modules through which themes override components and add CSS, reloads the
 * dev server when content or a theme changes, and copies the reference
 * bundle into the output (finish-build.ts indexes it and checks it for
 * addresses of hidden pages).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AstroIntegration } from "astro";
import { AstroError } from "astro/errors";
import type { Plugin } from "vite";
import { didYouMean, formatProblem } from "../../gateway/src/model/problems.ts";
import type { Catalog } from "../../gateway/src/model/catalog.ts";
import { ContentError, isPublicBuild, loadPortalCatalog, resetCatalog, type PorticoPaths } from "./catalog.ts";
import { COMPONENT_NAMES, COMPONENTS, isComponentName } from "./components.ts";
import { copyScalarBundle, scalarFileFor } from "./scalar.ts";

const COMPONENT_PREFIX = "virtual:portico/components/";
const DEFAULT_PREFIX = "virtual:portico/defaults/";
const THEME_CSS = "virtual:portico/theme.css";
/** Helpers for a theme's component overrides (theme-api.ts). */
const THEME_API = "virtual:portico/theme-api";

/** The theme's component files, by name. */
function themeComponents(themeDir: string): Map<string, string> {
  const dir = path.join(themeDir, "components");
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".astro")) out.set(entry.name.slice(0, -".astro".length), path.join(dir, entry.name));
  }
  return out;
}

function porticoVitePlugin(root: string, paths: PorticoPaths): Plugin {
  const themeDir = async (): Promise<string | undefined> => {
    try {
      return (await loadPortalCatalog(paths)).catalog.theme.dir;
    } catch {
      return undefined;
    }
  };
  return {
    name: "portico:virtual-modules",
    enforce: "pre",
    async resolveId(id) {
      if (id.startsWith(DEFAULT_PREFIX)) {
        const name = id.slice(DEFAULT_PREFIX.length);
        if (!isComponentName(name)) this.error(`${id}: there is no built-in component "${name}"${didYouMean(name, COMPONENT_NAMES)}`);
        return path.join(root, COMPONENTS[name]);
      }
      if (id.startsWith(COMPONENT_PREFIX)) {
        const name = id.slice(COMPONENT_PREFIX.length);
        if (!isComponentName(name)) this.error(`${id}: there is no component "${name}"${didYouMean(name, COMPONENT_NAMES)}`);
        const dir = await themeDir();
        const override = dir === undefined ? undefined : themeComponents(dir).get(name);
        return override ?? path.join(root, COMPONENTS[name]);
      }
      if (id === THEME_API) return path.join(root, "src/lib/theme-api.ts");
      if (id === THEME_CSS) {
        const dir = await themeDir();
        const css = dir === undefined ? undefined : path.join(dir, "theme.css");
        return css !== undefined && existsSync(css) ? css : path.join(root, "src/styles/no-theme.css");
      }
      return null;
    },
  };
}

/** A path relative to the working folder when it is inside it, else absolute. */
function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

export function portico(paths: PorticoPaths): AstroIntegration {
  let catalog: Catalog | undefined;
  return {
    name: "portico",
    hooks: {
      "astro:config:setup": async ({ command, config, logger, updateConfig }) => {
        const root = fileURLToPath(config.root);
        try {
          const loaded = await loadPortalCatalog(paths);
          catalog = loaded.catalog;
          for (const warning of loaded.warnings) logger.warn(formatProblem(warning));
          for (const name of themeComponents(catalog.theme.dir).keys()) {
            if (!isComponentName(name)) {
              logger.warn(
                `${shortPath(path.join(catalog.theme.dir, "components", name + ".astro"))}: ` +
                  `no built-in component is called "${name}"${didYouMean(name, COMPONENT_NAMES)}; it is not used`,
              );
            }
          }
        } catch (err) {
          if (!(err instanceof ContentError)) throw err;
          if (command === "build") {
            throw new AstroError(err.message, `Fix the files named above (run \`portico validate\` to check), then build again.`);
          }
          logger.error(err.message);
        }
        updateConfig({ vite: { plugins: [porticoVitePlugin(root, paths)] } });
      },
      "astro:server:setup": ({ server, logger }) => {
        server.middlewares.use((req, res, next) => {
          const file = scalarFileFor((req.url ?? "").split("?")[0] ?? "");
          if (!file) return next();
          res.setHeader("content-type", "text/javascript; charset=utf-8");
          res.end(readFileSync(file));
        });
        const watched = [paths.contentDir, paths.themesDir];
        server.watcher.add(watched);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const onChange = (file: string) => {
          if (!watched.some((dir) => file.startsWith(dir + path.sep))) return;
          clearTimeout(timer);
          timer = setTimeout(() => {
            logger.info(`${shortPath(file)} changed: reloading the portal`);
            resetCatalog();
            for (const mod of server.moduleGraph?.idToModuleMap?.values?.() ?? []) server.moduleGraph.invalidateModule(mod);
            server.ws.send({ type: "full-reload" });
          }, 100);
        };
        server.watcher.on("change", onChange);
        server.watcher.on("add", onChange);
        server.watcher.on("unlink", onChange);
      },
      "astro:build:done": async ({ dir, logger }) => {
        const outDir = fileURLToPath(dir);
        // A restricted tree is served beside the public one, which has the bundle.
        if (isPublicBuild(paths)) {
          const copied = await copyScalarBundle(outDir);
          logger.info(`copied the API reference bundle (${copied} files)`);
        }
        // The search index and the check for hidden pages run after Astro exits (finish-build.ts).
      },
    },
  };
}
