/**
 * Header lists as the gateway carries them: flat `[name, value, name,
 * value, …]` arrays, the shape undici and `writeHead` take, so a call with
 * no header policy never converts between representations. Names keep the
 * caller's case on the way in; every lookup here is case-insensitive.
 */

export type HeaderList = string[];

/** All values of `name`, in order. */
export function headerValues(list: HeaderList, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i < list.length; i += 2) if (list[i]!.toLowerCase() === lower) out.push(list[i + 1]!);
  return out;
}

/** The values of `name` joined with ", " (as HTTP allows), or undefined when absent. */
export function headerValue(list: HeaderList, name: string): string | undefined {
  const values = headerValues(list, name);
  return values.length === 0 ? undefined : values.join(", ");
}

export function hasHeader(list: HeaderList, name: string): boolean {
  const lower = name.toLowerCase();
  for (let i = 0; i < list.length; i += 2) if (list[i]!.toLowerCase() === lower) return true;
  return false;
}

/** Removes every `name` entry in place. */
export function deleteHeader(list: HeaderList, name: string): void {
  const lower = name.toLowerCase();
  let w = 0;
  for (let r = 0; r < list.length; r += 2) {
    if (list[r]!.toLowerCase() === lower) continue;
    list[w++] = list[r]!;
    list[w++] = list[r + 1]!;
  }
  list.length = w;
}

/** Replaces every `name` entry with `values` (one entry per value). */
export function setHeader(list: HeaderList, name: string, values: readonly string[]): void {
  deleteHeader(list, name);
  for (const v of values) list.push(name, v);
}

export function appendHeader(list: HeaderList, name: string, values: readonly string[]): void {
  for (const v of values) list.push(name, v);
}

/** Lower-case name → values joined with ", ": the view CEL expressions read. */
export function headerMap(list: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i]!.toLowerCase();
    const prior = out[name];
    out[name] = prior === undefined ? list[i + 1]! : `${prior}, ${list[i + 1]!}`;
  }
  return out;
}

/**
 * Headers no policy may set: they frame the message or belong to one hop,
 * and a wrong value would desynchronise the connection.
 */
export const PROTECTED_HEADERS: ReadonlySet<string> = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "proxy-connection",
  "host",
]);
