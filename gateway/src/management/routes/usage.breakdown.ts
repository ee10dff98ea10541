/**
 * GET /api/v1/usage/breakdown?by=api: totals per subscription, product,
 * API, operation (or user, for administrators) over the same filters as
 * /usage, busiest first, with readable labels for charts and tables.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { listSubscriptions, usageBreakdown, type UsageBreakdownRow } from "../../store/index.ts";
import { usersByIds } from "../../accounts/memberships.ts";
import { fail, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, json, UsageTotalsSchema } from "../schemas.ts";
import { resolveUsageQuery, UsageQuery } from "../usage-query.ts";
import { iso } from "../views.ts";

const DIMENSIONS = ["subscription", "product", "api", "operation", "user"] as const;

export const BreakdownQuery = UsageQuery.extend({
  by: z.enum(DIMENSIONS, { error: `by is one of: ${DIMENSIONS.join(", ")}.` }),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const BreakdownSchema = z
  .object({
    by: z.enum(DIMENSIONS),
    from: z.string(),
    to: z.string(),
    rows: z.array(
      z.object({
        key: z.object({
          subscriptionId: z.string().optional(),
          productId: z.string().optional(),
          apiId: z.string().optional(),
          operationId: z.string().optional(),
          userId: z.string().optional(),
        }),
        label: z.string(),
        totals: UsageTotalsSchema,
      }),
    ),
  })
  .openapi("UsageBreakdown");

export const route = createRoute({
  method: "get",
  path: "/usage/breakdown",
  tags: ["usage"],
  summary: "Usage per subscription, product, API or operation",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { query: BreakdownQuery },
  responses: { 200: json(BreakdownSchema, "Busiest first."), ...errors(400, 401, 403, 404) },
});

export function registerUsageBreakdown(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const query = c.req.valid("query");
    if (query.by === "user" && !auth.administrator) throw new PorticoError(ErrorCode.FORBIDDEN, "Only administrators may break usage down by user.");
    const { filter } = await resolveUsageQuery(ctx.store, auth, query);
    const result = await usageBreakdown(ctx.store, filter, query.by, { limit: query.limit });
    if (!result.ok) fail(result);

    const catalog = ctx.catalog();
    const subscriptionNames = new Map<string, string>();
    if (query.by === "subscription") {
      const { subscriptions } = await listSubscriptions(ctx.store, auth.administrator ? { limit: 1000 } : { userId: auth.user.id, limit: 1000 });
      for (const s of subscriptions) subscriptionNames.set(s.id, s.name);
    }
    const users = query.by === "user" ? await usersByIds(ctx.store, result.rows.map((r) => r.key.userId ?? "")) : new Map();
    const label = (row: UsageBreakdownRow): string => {
      const k = row.key;
      switch (query.by) {
        case "subscription":
          return k.subscriptionId === "" ? "Anonymous calls" : (subscriptionNames.get(k.subscriptionId!) ?? k.subscriptionId!);
        case "product":
          return k.productId === "" ? "No product" : (catalog.products[k.productId!]?.title ?? k.productId!);
        case "api":
          return catalog.apis[k.apiId!]?.title ?? k.apiId!;
        case "operation":
          return k.operationId === "" ? `${k.apiId}: no operation matched` : `${catalog.apis[k.apiId!]?.title ?? k.apiId}: ${k.operationId}`;
        case "user":
          return k.userId === "" ? "Anonymous calls" : (users.get(k.userId!)?.email ?? k.userId!);
      }
    };
    return c.json({ by: query.by, from: iso(filter.from), to: iso(filter.to), rows: result.rows.map((r) => ({ key: r.key, label: label(r), totals: r.totals })) }, 200);
  });
}
