import { z } from "zod";
import { definePolicy, headerName } from "../define.ts";

const origin = z.string().superRefine((text, ctx) => {
  if (text === "*") return;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an origin such as https://app.example.com, or *" });
    return;
  }
  if (url.origin !== text) ctx.addIssue({ code: "custom", message: `must be an origin, scheme://host[:port] with no path or trailing '/': ${url.origin}` });
});

const METHOD = /^(\*|[A-Z]+)$/;

export const corsOptions = z
  .strictObject({
    allowedOrigins: z
      .array(origin)
      .default([])
      .meta({ description: "Origins whose pages may call, exactly as browsers send them (`https://app.example.com`, `http://localhost:3000`), or `*` for any.", examples: ["[https://app.example.com]"] }),
    allowPortalOrigin: z
      .boolean()
      .default(false)
      .meta({ description: "Also allow the portal's own origin (its public URL, or `http://localhost:<port>` as the service runs it), so the portal's try-it console can call; the port need not be known when the content is written." }),
    allowedMethods: z
      .array(z.string().regex(METHOD, { message: "must be an HTTP method in capitals, or *" }))
      .default(["*"])
      .meta({ description: "Methods a cross-origin call may use; `*` allows any." }),
    allowedHeaders: z
      .array(z.union([z.literal("*"), headerName("A header name.")]))
      .default(["*"])
      .meta({ description: "Request headers a cross-origin call may send; `*` allows what the browser asks for." }),
    exposeHeaders: z.array(headerName("A header name.")).default([]).meta({ description: "Response headers scripts may read beyond the CORS-safelisted ones (e.g. `Retry-After`, `X-Request-Id`)." }),
    allowCredentials: z.boolean().default(false).meta({ description: "Let browsers send cookies and HTTP authentication. Not with `*` in allowedOrigins." }),
    maxAge: z.number().int().min(0).max(86_400).default(600).meta({ description: "Seconds browsers may reuse a preflight answer." }),
    terminateUnmatched: z
      .boolean()
      .default(false)
      .meta({ description: "Refuse calls whose Origin is not allowed with 403 ORIGIN_REFUSED. Default: let them through without CORS headers (browsers then block the page from reading the answer; other clients are unaffected)." }),
  })
  .superRefine((o, ctx) => {
    if (o.allowedOrigins.length === 0 && !o.allowPortalOrigin) {
      ctx.addIssue({ code: "custom", path: [], message: "missing required key 'allowedOrigins' (or allowPortalOrigin: true): a cors policy must allow some origin" });
    }
    if (o.allowCredentials && o.allowedOrigins.includes("*")) {
      ctx.addIssue({ code: "custom", path: ["allowCredentials"], message: "cannot be true with '*' in allowedOrigins: any site could then act with the caller's credentials; list the origins" });
    }
  });

export const corsPolicy = definePolicy({
  name: "cors",
  schema: corsOptions,
  priority: 2000,
  sections: ["inbound"],
  summary: "Lets web pages on other origins call the API from a browser; answers preflights itself.",
  description: [
    "A browser asks before a cross-origin call with a custom header (such as the subscription key): an `OPTIONS` preflight. The gateway answers it itself, without a key and without calling the backend: `204` with the `Access-Control-Allow-*` headers for an allowed origin, and a bare `200` without them for any other.",
    "On the call itself an allowed origin gets `Access-Control-Allow-Origin` (and `Vary: Origin`) on every answer, the gateway's errors included, so pages can read a 401 or 429 too. Another origin gets no CORS headers.",
    "Preflights carry no key, so they use the cors policy of the global, API and operation scopes (and of the open product, if there is one); put `cors` there rather than in a product that needs a key.",
  ].join("\n\n"),
  example: ["inbound:", "  - cors:", "      allowPortalOrigin: true", "      allowedOrigins: [https://app.example.com]", "      exposeHeaders: [Retry-After, X-Request-Id]"].join("\n"),
});
