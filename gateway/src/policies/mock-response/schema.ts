import { z } from "zod";
import { definePolicy } from "../define.ts";

export const mockResponseOptions = z.strictObject({
  status: z.number().int().min(200).max(599).default(200).meta({ description: "Which of the operation's documented responses to send.", examples: [200] }),
  contentType: z.string().min(1).optional().meta({ description: "Which media type's example to send. Default: application/json if documented, else the first documented one.", examples: ["application/json"] }),
});

export const mockResponsePolicy = definePolicy({
  name: "mock-response",
  schema: mockResponseOptions,
  priority: 600,
  sections: ["inbound"],
  summary: "Answers with the example from the operation's OpenAPI definition instead of calling the backend.",
  description: [
    "For operations whose backend does not exist yet, or to keep a preview stable: the call gets the documented response for `status`, with its `example` (or the first of its `examples`). Without an example, one is built from the response's schema (`example`, `default` and `enum` values, otherwise a value of the right type). Without a documented response for `status`, the answer has no body.",
    "The call ends there: the backend is not called and outbound does not run. Limits placed before it still count.",
  ].join("\n\n"),
  example: ["operations:", "  getHourlyForecast:", "    inbound:", "      - base", "      - mock-response: { status: 200 }"].join("\n"),
});
