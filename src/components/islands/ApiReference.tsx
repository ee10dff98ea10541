/**
 * The interactive reference and try-it console (@scalar/api-reference's
 * browser bundle, see src/lib/scalar.ts), loaded only on reference pages. The definition is fetched from the
 * portal's own download (gateway as server), so the page's HTML stays small
 * whatever the size of the API. Everything that would call Scalar's hosted
 * services (agent, MCP, telemetry, fonts, request proxy) is switched off.
 *
 * Try-it: the server is the gateway the service names at run time (GET
 * /api/v1/portal), not the address the portal was built with. A signed-in
 * developer's key is filled in through Scalar's `authentication`
 * configuration from their active subscriptions to a product that includes
 * this API, with a picker grouped by product when there are several. The
 * key travels in the header only (the query-parameter scheme is left out of
 * the console), is kept in memory, and is stored in this browser only when
 * the developer ticks "remember".
 */
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { api, ApiError, type KeySlot, type Subscription } from "../../lib/api-client.ts";
import type { MessageBundle } from "../../lib/client-i18n.ts";
import { readHint, TRYIT_KEY_PREFIX } from "../../lib/session-hint.ts";
import { I18nProvider, useI18n } from "./shared/i18n.tsx";

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
  /** The `tryit.` strings (island-messages.ts, TRYIT_MESSAGES). */
  messages: MessageBundle;
}

type Instance = { destroy(): void; updateConfiguration(configuration: Record<string, unknown>): void };
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function currentScheme(): "dark" | "light" {
  const root = document.documentElement;
  if (root.dataset.theme === "dark" || root.dataset.theme === "light") return root.dataset.theme;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** The API's id from its definition's address: `/apis/<id>/openapi.json` or `/apis/<id>/<version>/openapi.json`. */
export function apiIdOf(definitionUrl: string): string | null {
  const m = /\/apis\/([^/]+)\//.exec(new URL(definitionUrl, "http://portal.invalid").pathname);
  return m ? decodeURIComponent(m[1]!) : null;
}

/**
 * The definition as the console uses it: its server moved to `gatewayUrl`
 * (the path kept), and subscription-key schemes sent in the query removed
 * along with the requirements that name them, so that no key is put in a URL.
 * Returns the name of the header scheme that carries the key, if any.
 */
export function forConsole(doc: Json, gatewayUrl: string | null, keyHeader?: string): { doc: Json; scheme: string | null } {
  const out = structuredClone(doc);
  const swagger2 = typeof out.swagger === "string";
  if (gatewayUrl) {
    const gateway = new URL(gatewayUrl);
    if (swagger2) {
      out.host = gateway.host;
      out.schemes = [gateway.protocol.replace(":", "")];
    } else if (Array.isArray(out.servers)) {
      out.servers = out.servers.map((s: unknown) => {
        if (!isObject(s) || typeof s.url !== "string") return s;
        try {
          const built = new URL(s.url);
          return { ...s, url: gateway.origin + built.pathname.replace(/\/$/, "") };
        } catch {
          return s;
        }
      });
    }
  }
  const schemes = (swagger2 ? out.securityDefinitions : isObject(out.components) ? out.components.securitySchemes : undefined) as Json | undefined;
  if (!isObject(schemes)) return { doc: out, scheme: null };
  const inQuery = new Set(Object.entries(schemes).filter(([, s]) => isObject(s) && s.type === "apiKey" && s.in === "query").map(([name]) => name));
  for (const name of inQuery) delete schemes[name];
  const keep = (reqs: unknown) => (Array.isArray(reqs) ? reqs.filter((r) => !isObject(r) || !Object.keys(r).some((k) => inQuery.has(k))) : reqs);
  if (out.security !== undefined) out.security = keep(out.security);
  if (isObject(out.paths)) {
    for (const item of Object.values(out.paths)) {
      if (!isObject(item)) continue;
      for (const op of Object.values(item)) if (isObject(op) && op.security !== undefined) op.security = keep(op.security);
    }
  }
  const headers = Object.entries(schemes).filter(([, s]) => isObject(s) && s.type === "apiKey" && s.in === "header");
  const named = keyHeader ? headers.find(([, s]) => String((s as Json).name).toLowerCase() === keyHeader.toLowerCase()) : undefined;
  return { doc: out, scheme: (named ?? headers[0])?.[0] ?? null };
}

/**
 * Fills gaps in Scalar's markup that axe-core reports as serious: copy
 * buttons without a name, an editable combobox without a label or
 * `aria-expanded`, and scrolling code blocks that a keyboard cannot reach.
 * Run after Scalar renders and again whenever it changes its DOM.
 */
export function repairScalarA11y(root: ParentNode, copyLabel: string): void {
  // Their visible text is hidden from assistive technology.
  for (const button of root.querySelectorAll<HTMLButtonElement>("button.scalar-code-copy:not([aria-label])")) button.setAttribute("aria-label", copyLabel);
  for (const box of root.querySelectorAll<HTMLElement>('[role="combobox"][contenteditable]')) {
    if (!box.hasAttribute("aria-expanded")) box.setAttribute("aria-expanded", "false");
    if (box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby")) continue;
    // The row's own caption ("Name:"), else the field's placeholder.
    let label = "";
    for (let up = box.parentElement, i = 0; up && i < 3 && label === ""; up = up.parentElement, i++) {
      label = (up.textContent ?? "").replace(box.textContent ?? "", "").replace(/[:\s]+$/, "").trim();
      if (label.length > 40) label = "";
    }
    box.setAttribute("aria-label", label || box.dataset.placeholder || "");
  }
  for (const code of root.querySelectorAll<HTMLElement>("code.custom-scroll")) {
    const scrolls = /auto|scroll/.test(getComputedStyle(code).overflowX) && code.scrollWidth > code.clientWidth;
    if (scrolls && code.tabIndex < 0) code.tabIndex = 0;
  }
}

// ------------------------------------------------------------------ keys

interface Choice {
  id: string;
  subscription: Subscription;
  slot: KeySlot;
}

interface Remembered {
  subscription: string;
  slot: KeySlot;
  key: string;
}

const storageKey = (apiId: string) => `${TRYIT_KEY_PREFIX}${apiId}`;

function readRemembered(apiId: string): Remembered | null {
  try {
    const raw = localStorage.getItem(storageKey(apiId));
    if (raw === null) return null;
    const v = JSON.parse(raw) as Partial<Remembered>;
    return typeof v.key === "string" && typeof v.subscription === "string" && (v.slot === "primary" || v.slot === "secondary") ? (v as Remembered) : null;
  } catch {
    return null;
  }
}

function writeRemembered(apiId: string, value: Remembered | null): void {
  try {
    if (value === null) localStorage.removeItem(storageKey(apiId));
    else localStorage.setItem(storageKey(apiId), JSON.stringify(value));
  } catch {}
}

type Access =
  | { kind: "guest" }
  | { kind: "none" }
  | { kind: "keys"; choices: Choice[] }
  | { kind: "failed" };

interface Setup {
  doc: Json;
  scheme: string | null;
  access: Access;
  apiId: string | null;
}

/** The definition for the console and what the visitor may fill in. */
async function loadSetup(props: ApiReferenceProps): Promise<Setup> {
  const apiId = apiIdOf(props.url);
  const [doc, portal] = await Promise.all([
    fetch(props.url, { headers: { accept: "application/json" } }).then((r) => {
      if (!r.ok) throw new Error(`${props.url}: ${r.status}`);
      return r.json() as Promise<Json>;
    }),
    api.portal().catch(() => null),
  ]);
  let access: Access = { kind: "guest" };
  let keyHeader: string | undefined;
  if (props.tryIt && apiId !== null && readHint() !== null) {
    try {
      const [detail, subs] = await Promise.all([api.api(apiId), api.subscriptions({ state: "active" })]);
      keyHeader = detail.keyHeader;
      const products = new Set(detail.products);
      const usable = subs.subscriptions.filter((s) => s.state === "active" && products.has(s.productId));
      usable.sort((a, b) => a.productTitle.localeCompare(b.productTitle) || a.createdAt.localeCompare(b.createdAt));
      const choices = usable.flatMap((s) => (["primary", "secondary"] as const).map((slot) => ({ id: `${s.id}:${slot}`, subscription: s, slot })));
      access = choices.length === 0 ? { kind: "none" } : { kind: "keys", choices };
    } catch (err) {
      access = err instanceof ApiError && err.code === "UNAUTHENTICATED" ? { kind: "guest" } : { kind: "failed" };
    }
  }
  const prepared = forConsole(doc, portal?.gatewayUrl ?? null, keyHeader);
  return { doc: prepared.doc, scheme: prepared.scheme, access, apiId };
}

function KeyPicker({
  setup,
  selected,
  onSelect,
  remember,
  onRemember,
  onForget,
  loading,
}: {
  setup: Setup;
  selected: string;
  onSelect(id: string): void;
  remember: boolean;
  onRemember(on: boolean): void;
  /** Drops the remembered key (a visitor who is no longer signed in). */
  onForget(): void;
  loading: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const { access } = setup;
  const here = typeof location === "undefined" ? "/" : location.pathname + location.search;
  if (access.kind === "guest" && remember) {
    return (
      <p className="tryit-note" data-tryit="remembered">
        {t("tryit.rememberedGuest")}{" "}
        <button type="button" className="button button-secondary button-small" onClick={onForget}>
          {t("tryit.forget")}
        </button>
      </p>
    );
  }
  if (access.kind === "guest") {
    return (
      <p className="tryit-note" data-tryit="guest">
        {t("tryit.guest")} <a href={`/signin?next=${encodeURIComponent(here)}`}>{t("tryit.signIn")}</a>
      </p>
    );
  }
  if (access.kind === "none") {
    return (
      <p className="tryit-note" data-tryit="none">
        {t("tryit.noKey")} <a href="/products">{t("tryit.subscribe")}</a>
      </p>
    );
  }
  if (access.kind === "failed") {
    return (
      <p className="tryit-note" role="alert" data-tryit="failed">
        {t("tryit.failed")}
      </p>
    );
  }
  const groups = new Map<string, Choice[]>();
  for (const c of access.choices) groups.set(c.subscription.productTitle, [...(groups.get(c.subscription.productTitle) ?? []), c]);
  const label = (c: Choice) => `${c.subscription.name} · ${t(`tryit.${c.slot}`)} (${c.slot === "primary" ? c.subscription.primaryKeyStart : c.subscription.secondaryKeyStart}…)`;
  return (
    <div className="tryit-keys" data-tryit="keys">
      <div className="tryit-field">
        <label htmlFor={id}>{t("tryit.keyLabel")}</label>
        <select id={id} value={selected} onChange={(e) => onSelect(e.currentTarget.value)} aria-describedby={`${id}-hint`} aria-busy={loading || undefined}>
          {[...groups].map(([product, choices]) => (
            <optgroup key={product} label={product}>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {label(c)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <label className="tryit-remember">
        <input type="checkbox" checked={remember} onChange={(e) => onRemember(e.currentTarget.checked)} /> {t("tryit.remember")}
      </label>
      <p className="tryit-hint" id={`${id}-hint`}>
        {t(remember ? "tryit.rememberedHint" : "tryit.memoryHint")}
      </p>
    </div>
  );
}

function Reference(props: ApiReferenceProps) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");
  const [setup, setSetup] = useState<Setup | null>(null);
  const [selected, setSelected] = useState("");
  const [key, setKey] = useState<string | null | undefined>(undefined);
  const [remember, setRemember] = useState(false);
  const [keyLoading, setKeyLoading] = useState(false);
  const keyCache = useRef(new Map<string, { primaryKey: string; secondaryKey: string }>());

  // The definition, the gateway and the visitor's keys.
  useEffect(() => {
    let cancelled = false;
    loadSetup(props).then(
      (s) => {
        if (cancelled) return;
        setSetup(s);
        const remembered = s.apiId === null ? null : readRemembered(s.apiId);
        const choices = s.access.kind === "keys" ? s.access.choices : [];
        const match = remembered && choices.find((c) => c.subscription.id === remembered.subscription && c.slot === remembered.slot);
        if (remembered && (match || s.access.kind === "guest")) {
          setRemember(true);
          setSelected(`${remembered.subscription}:${remembered.slot}`);
          setKey(remembered.key);
        } else if (choices.length > 0) {
          setSelected(choices[0]!.id);
        } else {
          setKey(null);
        }
      },
      (err: unknown) => {
        console.error(err);
        if (!cancelled) setState("failed");
      },
    );
    return () => {
      cancelled = true;
    };
  }, [props.url, props.tryIt]);

  const choice = useMemo(() => (setup?.access.kind === "keys" ? setup.access.choices.find((c) => c.id === selected) : undefined), [setup, selected]);

  // The chosen key, fetched when first chosen and kept in memory.
  useEffect(() => {
    if (!choice) return;
    let cancelled = false;
    const cached = keyCache.current.get(choice.subscription.id);
    const pick = (k: { primaryKey: string; secondaryKey: string }) => (choice.slot === "primary" ? k.primaryKey : k.secondaryKey);
    if (cached) {
      setKey(pick(cached));
      return;
    }
    setKeyLoading(true);
    api.keys(choice.subscription.id).then(
      (k) => {
        keyCache.current.set(choice.subscription.id, k);
        if (!cancelled) setKey(pick(k));
      },
      () => {
        if (!cancelled) setKey(null);
      },
    ).finally(() => {
      if (!cancelled) setKeyLoading(false);
    });
    return () => {
      cancelled = true;
    };
  }, [choice]);

  // Stored only while "remember" is ticked; unticking forgets it.
  useEffect(() => {
    if (!setup?.apiId || key === undefined) return;
    if (remember && choice && key) writeRemembered(setup.apiId, { subscription: choice.subscription.id, slot: choice.slot, key });
    else if (!remember) writeRemembered(setup.apiId, null);
  }, [remember, choice, key, setup]);

  // Scalar, mounted once the definition and the first key are known; a
  // later key is handed to the mounted instance, so the reader keeps their
  // place in the page.
  const instanceRef = useRef<Instance | null>(null);
  const keyRef = useRef<string | null | undefined>(undefined);
  keyRef.current = key;
  const configuration = (s: Setup, k: string | null) => {
    const authentication = s.scheme === null ? undefined : { preferredSecurityScheme: s.scheme, securitySchemes: k ? { [s.scheme]: { value: k } } : {} };
    return {
      content: s.doc,
      slug: props.slug,
      title: props.title,
      theme: "none",
      layout: "modern",
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
      hideDarkModeToggle: true,
      forceDarkModeState: currentScheme(),
      documentDownloadType: "none",
      hideTestRequestButton: !props.tryIt,
      hideClientButton: !props.tryIt,
      persistAuth: false,
      defaultOpenFirstTag: true,
      operationTitleSource: "summary",
      orderRequiredPropertiesFirst: true,
      ...(authentication ? { authentication } : {}),
    };
  };
  const keyKnown = key !== undefined;
  useEffect(() => {
    if (!setup || !keyKnown) return;
    let instance: Instance | undefined;
    let cancelled = false;
    let stopObserving = () => {};
    const copyLabel = props.messages.messages["tryit.copyCode"] ?? "Copy";
    (async () => {
      try {
        const { createApiReference } = (await import(/* @vite-ignore */ props.scriptUrl)) as {
          createApiReference(element: Element, configuration: Record<string, unknown>): Instance;
        };
        if (cancelled || !host.current) return;
        instance = createApiReference(host.current, configuration(setup, keyRef.current ?? null));
        instanceRef.current = instance;
        let queued = 0;
        const repair = () => {
          queued = 0;
          observer.disconnect();
          repairScalarA11y(document, copyLabel);
          observer.observe(document.body, { childList: true, subtree: true });
        };
        // Scalar mounts its dialogs at the end of <body>, so the whole body is watched.
        const observer = new MutationObserver(() => {
          if (queued === 0) queued = requestAnimationFrame(repair);
        });
        stopObserving = () => {
          observer.disconnect();
          cancelAnimationFrame(queued);
        };
        repair();
        setState("ready");
      } catch (err) {
        console.error(err);
        if (!cancelled) setState("failed");
      }
    })();
    return () => {
      cancelled = true;
      stopObserving();
      instance?.destroy();
      instanceRef.current = null;
    };
  }, [setup, keyKnown, props.scriptUrl, props.slug, props.title, props.tryIt]);

  useEffect(() => {
    if (setup && key !== undefined) instanceRef.current?.updateConfiguration(configuration(setup, key));
  }, [key]);

  // Scalar reads forceDarkModeState once, when it mounts, and marks <body>
  // with `dark-mode` or `light-mode`; later switches of the portal's scheme
  // (the header's toggle, or the system's when no choice is stored) are
  // applied to those classes directly.
  useEffect(() => {
    const applyScheme = () => {
      const dark = currentScheme() === "dark";
      document.body.classList.toggle("dark-mode", dark);
      document.body.classList.toggle("light-mode", !dark);
    };
    const system = matchMedia("(prefers-color-scheme: dark)");
    const onSystem = () => setTimeout(applyScheme, 0);
    document.addEventListener("portico:theme", applyScheme);
    system.addEventListener("change", onSystem);
    return () => {
      document.removeEventListener("portico:theme", applyScheme);
      system.removeEventListener("change", onSystem);
    };
  }, []);

  return (
    <div className="portico-reference" data-state={state} data-key-ready={key === undefined ? undefined : key ? "yes" : "no"}>
      {props.tryIt && setup && (
        <section className="tryit-bar" aria-label={props.messages.messages["tryit.title"] ?? "Try it"}>
          <KeyPicker
            setup={setup}
            selected={selected}
            onSelect={setSelected}
            remember={remember}
            onRemember={setRemember}
            onForget={() => {
              setRemember(false);
              setKey(null);
            }}
            loading={keyLoading}
          />
        </section>
      )}
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
      <style>{TRYIT_CSS}</style>
    </div>
  );
}

/** The try-it bar's few rules, beside the component (the reference page's stylesheet belongs to the page). */
const TRYIT_CSS = `@layer portico.components {
  .tryit-bar { border-bottom: 1px solid var(--portico-border); background: var(--portico-surface); padding: 0.6rem clamp(1rem, 3vw, 1.5rem); font-size: 0.875rem; }
  .tryit-note { margin: 0; color: var(--portico-muted); }
  .tryit-keys { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.25rem; }
  .tryit-field { display: flex; align-items: center; gap: 0.5rem; }
  .tryit-field label { font-weight: 700; }
  .tryit-field select { min-height: 2.25rem; max-width: min(32rem, 80vw); padding: 0.3rem 0.5rem; border: 1px solid var(--portico-border-strong); border-radius: var(--portico-radius); background: var(--portico-background); color: var(--portico-text); font: inherit; }
  .tryit-field select:focus-visible, .tryit-remember input:focus-visible { outline: 2px solid var(--portico-focus); outline-offset: 1px; }
  .tryit-remember { display: inline-flex; align-items: center; gap: 0.35rem; }
  .tryit-hint { flex-basis: 100%; margin: 0; color: var(--portico-muted); font-size: 0.8125rem; }
}`;

export default function ApiReference(props: ApiReferenceProps) {
  return (
    <I18nProvider bundle={props.messages}>
      <Reference {...props} />
    </I18nProvider>
  );
}
