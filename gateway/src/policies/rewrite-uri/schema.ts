import { z } from "zod";
import { definePolicy } from "../define.ts";

const PLACEHOLDER = /\{([^{}]*)\}/g;

export const rewriteUriOptions = z.strictObject({
  template: z
    .string()
    .startsWith("/", { message: "must start with '/': it is the path after the backend's base URL" })
    .superRefine((t, ctx) => {
      const stripped = t.replace(PLACEHOLDER, "");
      if (stripped.includes("{") || stripped.includes("}")) ctx.addIssue({ code: "custom", message: "has an unbalanced '{' or '}'" });
      for (const m of t.matchAll(PLACEHOLDER)) {
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(m[1]!)) ctx.addIssue({ code: "custom", message: `has a placeholder '{${m[1]}}' that is not a parameter name` });
      }
      if (/\s/.test(t)) ctx.addIssue({ code: "custom", message: "must not contain spaces; encode them as %20" });
    })
    .meta({ description: "The backend path (and optional query), relative to the backend's base URL. `{name}` is replaced by the operation's path parameter or the call's query parameter of that name, URL-encoded.", examples: ["/forecasts/{city}?days={days}"] }),
  copyUnmatchedParams: z
    .boolean()
    .default(true)
    .meta({ description: "Whether the call's query parameters that the template does not use are passed on too." }),
});

export const rewriteUriPolicy = definePolicy({
  name: "rewrite-uri",
  schema: rewriteUriOptions,
  priority: 380,
  sections: ["inbound", "backend"],
  summary: "Sends the call to a different backend path than the one the caller used.",
  description: [
    "Maps a public URL onto the backend's own: `GET /weather/v1/forecast?city=Oslo` can reach the backend as `/forecasts/Oslo`.",
    "Placeholders take the operation's path parameters first, then the call's query parameters. A placeholder with no value becomes empty.",
  ].join("\n\n"),
  example: ["inbound:", "  - rewrite-uri: { template: '/forecasts/{city}', copyUnmatchedParams: true }"].join("\n"),
});
