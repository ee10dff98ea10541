/**
 * What the browser remembers about being signed in, so that static pages
 * (the header, a product's subscribe box) can show the right controls
 * without asking the service on every page view. The session cookie itself
 * is HttpOnly and never readable here; this hint holds no secret, only
 * whether a sign-in happened in this browser and whether the account
 * administers the portal. It is set when a sign-in succeeds, refreshed by
 * any page that reads `/me`, and cleared by sign-out or by any answer that
 * says the session is gone (401 UNAUTHENTICATED).
 *
 * Kept tiny: the header imports it on every page, docs pages included.
 */

const KEY = "portico-session";

export interface SessionHint {
  administrator: boolean;
  /** When the service last confirmed the session (ms since the epoch). */
  checkedAt: number;
}

export function readHint(): SessionHint | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return null;
    const value = JSON.parse(raw) as Partial<SessionHint>;
    return { administrator: value.administrator === true, checkedAt: typeof value.checkedAt === "number" ? value.checkedAt : 0 };
  } catch {
    return null;
  }
}

export function writeHint(administrator: boolean): void {
  try {
    const before = localStorage.getItem(KEY);
    const next = JSON.stringify({ administrator, checkedAt: Date.now() } satisfies SessionHint);
    localStorage.setItem(KEY, next);
    if (before === null || JSON.parse(before).administrator !== administrator) notify();
  } catch {}
}

export function clearHint(): void {
  try {
    if (localStorage.getItem(KEY) === null) return;
    localStorage.removeItem(KEY);
    notify();
  } catch {}
}

/** Tells the page's widgets (the header) that the signed-in state changed. */
function notify(): void {
  document.dispatchEvent(new CustomEvent("portico:session"));
}

/**
 * The management API's base: "" when the service serves the portal, or the
 * service's origin when the portal is hosted elsewhere (portal.yaml
 * `serviceUrl`, printed by the page as `data-portico-service`).
 */
export function serviceBase(): string {
  const el = document.querySelector<HTMLElement>("[data-portico-service]");
  return (el?.dataset.porticoService ?? "").replace(/\/+$/, "");
}

/** Where the try-it console keeps a key the user asked it to remember, per API. */
export const TRYIT_KEY_PREFIX = "portico-tryit:";

/**
 * Forgets every remembered try-it key: signing out is how a person leaves a
 * shared browser, so no key they asked us to keep stays behind them. (An
 * expired session keeps them; the console then offers to forget them.)
 */
function forgetTryItKeys(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key?.startsWith(TRYIT_KEY_PREFIX)) localStorage.removeItem(key);
    }
  } catch {}
}

/** What a sign-out leaves behind in this browser, whichever control ran it: the hint and any remembered try-it keys. */
export function forgetSignedOut(): void {
  clearHint();
  forgetTryItKeys();
}

/** Ends the session on the service, then forgets the hint and any remembered try-it keys. */
export async function signOut(): Promise<void> {
  const base = serviceBase();
  try {
    await fetch(`${base}/api/v1/auth/sign-out`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      credentials: base === "" ? "same-origin" : "include",
    });
  } finally {
    forgetSignedOut();
  }
}
