import { z } from "zod";
import { definePolicy, headerName } from "../define.ts";

export const checkHeaderOptions = z.strictObject({
  name: headerName("The header that must be present."),
  values: z
    .array(z.string())
    .default([])
    .meta({ description: "Accepted values; the header's value must equal one of them. Empty: any value passes, only presence is checked." }),
  ignoreCase: z.boolean().default(true).meta({ description: "Compare values without regard to case." }),
  failedStatusCode: z
    .union([z.literal(400), z.literal(401), z.literal(403), z.literal(404)])
    .default(401)
    .meta({ description: "The status of the refusal: 400, 401, 403 or 404." }),
  failedMessage: z.string().min(1).default("Access denied: a required header is missing or has a value that is not accepted.").meta({ description: "The message of the refusal's JSON body." }),
});

export const checkHeaderPolicy = definePolicy({
  name: "check-header",
  schema: checkHeaderOptions,
  priority: 1400,
  sections: ["inbound"],
  summary: "Refuses calls that lack a header or send it with a value that is not accepted.",
  description:
    "A simple gate for shared secrets between a known client and the gateway, or to require a header the backend depends on. The refusal is the gateway's JSON error body with the status and message configured; the backend is not called.",
  example: ["inbound:", "  - check-header:", "      name: X-Client-Version", "      values: ['2', '3']", "      failedStatusCode: 400", "      failedMessage: Send X-Client-Version 2 or 3."].join("\n"),
});
