/**
 * The portal's custom sign-up fields (portal.yaml `signUp.fields`, e.g.
 * company): checked against their declaration at run time, because a
 * content reload may change them while the service runs.
 */
import type { SignUpField } from "../model/catalog.ts";

export interface FieldProblem {
  path: string;
  message: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function checkValue(field: SignUpField, value: unknown): string | null {
  switch (field.type) {
    case "checkbox":
      return typeof value === "boolean" ? null : `${field.label} must be true or false.`;
    case "select":
      return typeof value === "string" && (field.options ?? []).includes(value)
        ? null
        : `${field.label} must be one of: ${(field.options ?? []).join(", ")}.`;
    default: {
      if (typeof value !== "string") return `${field.label} must be text.`;
      if (value.length > field.maxLength) return `${field.label} has at most ${field.maxLength} characters.`;
      if (field.type === "email" && !EMAIL.test(value)) return `${field.label} must be an e-mail address.`;
      if (field.type === "url") {
        try {
          const url = new URL(value);
          if (url.protocol !== "https:" && url.protocol !== "http:") return `${field.label} must be an http or https address.`;
        } catch {
          return `${field.label} must be an address such as https://example.com.`;
        }
      }
      return null;
    }
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

/**
 * The values to store, or the problems, for `input` holding only custom
 * fields. `partial` (a profile update) leaves absent fields alone rather
 * than requiring them.
 */
export function checkCustomFields(
  input: Record<string, unknown>,
  fields: readonly SignUpField[],
  options: { partial?: boolean } = {},
): { ok: true; values: Record<string, unknown> } | { ok: false; problems: FieldProblem[] } {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const problems: FieldProblem[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!byName.has(key)) problems.push({ path: key, message: `Unknown field "${key}".` });
  }
  for (const field of fields) {
    const present = Object.hasOwn(input, field.name);
    if (options.partial && !present) continue;
    const raw = input[field.name];
    const value = typeof raw === "string" ? raw.trim() : raw;
    if (isEmpty(value) || (field.type === "checkbox" && field.required && value === false)) {
      if (field.required) problems.push({ path: field.name, message: `${field.label} is required.` });
      continue;
    }
    const problem = checkValue(field, value);
    if (problem !== null) problems.push({ path: field.name, message: problem });
    else values[field.name] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}
