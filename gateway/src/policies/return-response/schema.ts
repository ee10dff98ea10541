import { z } from "zod";
import { definePolicy, headerName } from "../define.ts";
import { PROTECTED_HEADERS } from "../headers.ts";

export const returnResponseOptions = z
  .strictObject({
    status: z.number().int().min(200).max(599).default(200).meta({ description: "The status code.", examples: [200] }),
    headers: z
      .record(headerName("A header name."), z.union([z.string(), z.array(z.string())]))
      .default({})
      .meta({ description: "Headers of the answer, by name; a list gives the header several times." }),
    body: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
      .optional()
      .meta({ description: "The body: text as written, or a map or list sent as JSON (with `Content-Type: application/json` unless `headers` says otherwise)." }),
  })
  .superRefine((o, ctx) => {
    for (const name of Object.keys(o.headers)) {
      if (PROTECTED_HEADERS.has(name.toLowerCase())) ctx.addIssue({ code: "custom", path: ["headers", name], message: "is managed by the gateway and cannot be set" });
    }
  });

export const returnResponsePolicy = definePolicy({
  name: "return-response",
  schema: returnResponseOptions,
  priority: 550,
  sections: ["inbound", "backend", "outbound", "on-error"],
  summary: "Answers the call with a fixed response, without (or instead of) the backend's.",
  description: [
    "In `inbound` and `backend` the call ends there: the backend is not called and `outbound` does not run. In `outbound` it replaces the backend's answer; in `on-error` it replaces the error answer.",
    "Useful inside `choose`, e.g. to switch an operation off for one product, or to answer retired versions with `410 Gone`.",
  ].join("\n\n"),
  example: [
    "inbound:",
    "  - return-response:",
    "      status: 410",
    "      headers: { Link: '<https://developers.example.com/docs/migration>; rel=\"help\"' }",
    "      body: { message: 'Version 1 was retired on 2026-01-31. Use version 2.' }",
  ].join("\n"),
});
