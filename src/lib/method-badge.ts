/**
 * An HTTP method as a coloured label, the one markup every page and the
 * operation sidebar use (styles: `.method` in styles/base.css). The colour
 * is decoration: the text is the method, and a shortened label (DEL, OPT)
 * carries the full name for screen readers.
 */
const COLOURED = new Set(["get", "post", "put", "patch", "delete"]);

/** `method-get` … `method-delete`, or `method-other`: sets the method's colour (`--c`). */
export function methodColourClass(method: string): string {
  const m = method.toLowerCase();
  return `method-${COLOURED.has(m) ? m : "other"}`;
}

/** The label shown: the method in capitals, DEL and OPT shortened. */
export function methodLabel(method: string): string {
  const m = method.toLowerCase();
  return m === "delete" ? "DEL" : m === "options" ? "OPT" : m.toUpperCase().replace(/[^A-Z]/g, "");
}

/** The badge's inner HTML: the label, and the full name for screen readers when the label is shortened. */
export function methodLabelHtml(method: string): string {
  const label = methodLabel(method);
  const full = method.toUpperCase().replace(/[^A-Z]/g, "");
  return label === full ? label : `<span aria-hidden="true">${label}</span><span class="sr-only">${full}</span>`;
}

export function methodBadgeHtml(method: string, small = false): string {
  return `<span class="method ${methodColourClass(method)}${small ? " method-small" : ""}">${methodLabelHtml(method)}</span>`;
}
