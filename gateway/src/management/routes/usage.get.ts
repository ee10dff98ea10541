/**
 * GET /api/v1/usage: totals and a series of the caller's calls (everyone's
 * for administrators) by subscription, product, API and operation, from the
 * gateway's per-minute aggregates. Empty intervals are zeros, so a chart has
 * no holes.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { queryUsage } from "../../store/index.ts";
import { fail, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, json, UsagePointSchema, UsageTotalsSchema } from "../schemas.ts";
import { resolveUsageQuery, UsageQuery } from "../usage-query.ts";
import { iso } from "../views.ts";

export const UsageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(["minute", "hour", "day"]),
    totals: UsageTotalsSchema,
    series: z.array(UsagePointSchema),
  })
  .openapi("Usage");

export const route = createRoute({
  method: "get",
  path: "/usage",
  tags: ["usage"],
  summary: "Usage totals and series",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { query: UsageQuery },
  responses: { 200: json(UsageSchema, "Totals over the range and one point per interval."), ...errors(400, 401, 403, 404) },
});

export function registerUsageGet(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { filter, interval } = await resolveUsageQuery(deps.ctx.store, auth, c.req.valid("query"));
    const result = await queryUsage(deps.ctx.store, filter, interval);
    if (!result.ok) fail(result);
    return c.json(
      {
        from: iso(filter.from),
        to: iso(filter.to),
        interval,
        totals: result.totals,
        series: result.series.map((p) => ({ ...p, start: iso(p.start) })),
      },
      200,
    );
  });
}
