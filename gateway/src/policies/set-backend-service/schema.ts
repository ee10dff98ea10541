import { z } from "zod";
import { definePolicy } from "../define.ts";

export const setBackendServiceOptions = z.strictObject({
  url: z
    .string()
    .superRefine((text, ctx) => {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        ctx.addIssue({ code: "custom", message: "must be an absolute URL such as http://localhost:8090/weather" });
        return;
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") ctx.addIssue({ code: "custom", message: `must use http or https, not ${url.protocol.slice(0, -1)}` });
      if (url.search !== "" || url.hash !== "") ctx.addIssue({ code: "custom", message: "must not have a query or fragment: it is a base URL" });
      if (url.username !== "" || url.password !== "") ctx.addIssue({ code: "custom", message: "must not carry credentials; send them with set-header" });
    })
    .meta({ description: "The backend's base URL; the operation's path is appended to it. Like every content value it may read the environment: `${PAYMENTS_URL}`.", examples: ["http://localhost:8091/weather"] }),
});

export const setBackendServicePolicy = definePolicy({
  name: "set-backend-service",
  schema: setBackendServiceOptions,
  priority: 370,
  sections: ["inbound", "backend"],
  summary: "Sends the call to another backend than the API's.",
  description: [
    "Replaces the backend base URL from `api.yaml` for the calls that reach it: a canary backend for one product, or a different service for one operation.",
    "Combine with `choose` to route by header, subscription or any other CEL condition. The URL is fixed in content (never taken from the call), so callers cannot make the gateway call arbitrary hosts.",
  ].join("\n\n"),
  example: [
    "inbound:",
    "  - choose:",
    "      when:",
    "        - condition: 'request.headers[?\"x-canary\"].orValue(\"\") == \"1\"'",
    "          policies:",
    "            - set-backend-service: { url: 'http://localhost:8091/weather/v1' }",
  ].join("\n"),
});
