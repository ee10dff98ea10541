/**
 * The interactive reference and try-it console (@scalar/api-reference's
 * browser bundle, see src/lib/scalar.ts), loaded only on reference pages. The definition is fetched from the
 * portal's own download (gateway as server), so the page's HTML stays small
 * whatever the size of the API. Everything that would call Scalar's hosted
 * services (agent, MCP, telemetry, fonts, request proxy) is switched off.
 */
import { useEffect, useRef, useState } from "react";

export interface ApiReferenceProps {
  /** URL of Scalar's browser bundle (src/lib/scalar.ts). */
  scriptUrl: string;
  /** URL of the definition (JSON, gateway as server). */
  url: string;
  /** Prefix of every anchor (see src/lib/openapi.ts `operationAnchor`). */
  slug: string;
  title: string;
  /** false hides the "Test request" and API client buttons (`tryIt: false` in api.yaml). */
  tryIt: boolean;
  loadingText: string;
  failedText: string;
}

type Instance = { destroy(): void };

function currentScheme(): "dark" | "light" {
  const root = document.documentElement;
  if (root.dataset.theme === "dark" || root.dataset.theme === "light") return root.dataset.theme;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export default function ApiReference(props: ApiReferenceProps) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  useEffect(() => {
    let instance: Instance | undefined;
    let cancelled = false;
    const configuration = () => ({
      url: props.url,
      slug: props.slug,
      title: props.title,
      theme: "none",
      layout: "modern",
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
      showToolbar: "never",
      hideDarkModeToggle: true,
      forceDarkModeState: currentScheme(),
      documentDownloadType: "none",
      hideTestRequestButton: !props.tryIt,
      hideClientButton: !props.tryIt,
      persistAuth: false,
      defaultOpenFirstTag: true,
      operationTitleSource: "summary",
      orderRequiredPropertiesFirst: true,
    });

    (async () => {
      try {
        const url = props.scriptUrl;
        const { createApiReference } = (await import(/* @vite-ignore */ url)) as {
          createApiReference(element: Element, configuration: Record<string, unknown>): Instance;
        };
        if (cancelled || !host.current) return;
        instance = createApiReference(host.current, configuration());
        setState("ready");
      } catch (err) {
        console.error(err);
        if (!cancelled) setState("failed");
      }
    })();

    // Scalar reads forceDarkModeState once, when it mounts, and marks <body>
    // with `dark-mode` or `light-mode`; later switches of the portal's scheme
    // (the header's toggle, or the system's when no choice is stored) are
    // applied to those classes directly.
    const applyScheme = () => {
      const dark = currentScheme() === "dark";
      document.body.classList.toggle("dark-mode", dark);
      document.body.classList.toggle("light-mode", !dark);
    };
    const onScheme = () => applyScheme();
    const system = matchMedia("(prefers-color-scheme: dark)");
    const onSystem = () => setTimeout(applyScheme, 0);
    document.addEventListener("portico:theme", onScheme);
    system.addEventListener("change", onSystem);
    return () => {
      cancelled = true;
      document.removeEventListener("portico:theme", onScheme);
      system.removeEventListener("change", onSystem);
      instance?.destroy();
    };
  }, [props.scriptUrl, props.url, props.slug, props.title, props.tryIt]);

  return (
    <div className="portico-reference" data-state={state}>
      {state === "loading" && (
        <p className="reference-status" role="status">
          {props.loadingText}
        </p>
      )}
      {state === "failed" && (
        <p className="reference-status" role="alert">
          {props.failedText}
        </p>
      )}
      <div ref={host} />
    </div>
  );
}
