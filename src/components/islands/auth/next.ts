/** The `next` of a sign-in link, kept to a path on this portal (no open redirect). */
export function safeNext(value: string | null | undefined, fallback = "/account"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) return fallback;
  // The auth pages themselves are no place to return to.
  if (/^\/(signin|sign-in|signup|verify|reset|invite)(\/|\?|$)/.test(value)) return fallback;
  return value;
}

export function queryParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}
