import { z } from "zod";
import { definePolicy } from "../define.ts";

export const forwardRequestOptions = z.strictObject({
  timeout: z
    .number()
    .gt(0)
    .max(600)
    .default(60)
    .meta({ description: "Seconds the backend has to send its answer's head, and at most between two chunks of its body. Beyond it the caller gets 504 BACKEND_TIMEOUT (and on-error runs).", examples: [10] }),
  failOnErrorStatus: z
    .boolean()
    .default(false)
    .meta({ description: "Treat a backend answer with status 400–599 as a failure: on-error runs, with lastError.reason `BackendErrorStatus`, instead of passing the answer on." }),
});

export const forwardRequestPolicy = definePolicy({
  name: "forward-request",
  schema: forwardRequestOptions,
  priority: 200,
  sections: ["backend"],
  summary: "Sets how the call is forwarded: the backend's time limit, and whether its error answers count as failures.",
  description: [
    "Every call is forwarded after the `backend` section runs; this policy only changes how. Without it the backend has 60 seconds.",
    "A timeout answers `504` with code `BACKEND_TIMEOUT`; a backend that cannot be reached answers `502` with `BACKEND_UNREACHABLE`. Both run `on-error` with `lastError.source` = `forward-request`.",
  ].join("\n\n"),
  example: ["backend:", "  - forward-request: { timeout: 10 }"].join("\n"),
});
