import { describe, expect, it } from "vitest";
import type { SignUpField } from "../model/catalog.ts";
import { checkCustomFields } from "./custom-fields.ts";

const FIELDS: SignUpField[] = [
  { name: "company", label: "Company", type: "text", required: true, maxLength: 10 },
  { name: "website", label: "Website", type: "url", required: false, maxLength: 200 },
  { name: "billing", label: "Billing e-mail", type: "email", required: false, maxLength: 200 },
  { name: "size", label: "Team size", type: "select", required: false, options: ["1-10", "11-100"], maxLength: 20 },
  { name: "terms", label: "Marketing terms", type: "checkbox", required: true, maxLength: 1 },
];

describe("custom sign-up fields", () => {
  it("accepts valid values, trimmed, and leaves out empty optional ones", () => {
    expect(checkCustomFields({ company: " Acme ", website: "https://acme.example", billing: "", size: "1-10", terms: true }, FIELDS)).toEqual({
      ok: true,
      values: { company: "Acme", website: "https://acme.example", size: "1-10", terms: true },
    });
  });

  it("names each problem: required, length, type, options, unknown fields", () => {
    const result = checkCustomFields({ company: "x".repeat(11), website: "javascript:alert(1)", billing: "nope", size: "huge", terms: false, extra: 1 }, FIELDS);
    expect(result).toEqual({
      ok: false,
      problems: [
        { path: "extra", message: 'Unknown field "extra".' },
        { path: "company", message: "Company has at most 10 characters." },
        { path: "website", message: "Website must be an http or https address." },
        { path: "billing", message: "Billing e-mail must be an e-mail address." },
        { path: "size", message: "Team size must be one of: 1-10, 11-100." },
        { path: "terms", message: "Marketing terms is required." },
      ],
    });
    expect(checkCustomFields({ terms: "yes", company: 5 }, FIELDS)).toEqual({
      ok: false,
      problems: [
        { path: "company", message: "Company must be text." },
        { path: "terms", message: "Marketing terms must be true or false." },
      ],
    });
  });

  it("in a partial update, leaves absent fields alone instead of requiring them", () => {
    expect(checkCustomFields({ size: "11-100" }, FIELDS, { partial: true })).toEqual({ ok: true, values: { size: "11-100" } });
  });
});
