/**
 * The query of the usage routes: which calls (subscription, product, API,
 * operation; a user for administrators) over which time (a range shortcut
 * or from/to), and at what interval. Developers always see only their own
 * calls; asking for someone else's subscription is 404, like any of their
 * resources.
 */
import { z } from "@hono/zod-openapi";
import type { Auth } from "../accounts/session-manager.ts";
import { ErrorCode, PorticoError } from "../errors.ts";
import { findSubscription, type StoreHandle, type UsageFilter, type UsageInterval } from "../store/index.ts";
import { notFound } from "./env.ts";

export const RANGES = { hour: 60, day: 1440, "7d": 7 * 1440, "30d": 30 * 1440, "90d": 90 * 1440 } as const;
export type UsageRange = keyof typeof RANGES;

/** The interval that gives a readable chart for each range. */
const DEFAULT_INTERVAL: Record<UsageRange, UsageInterval> = { hour: "minute", day: "hour", "7d": "hour", "30d": "day", "90d": "day" };

const time = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "A time is an ISO 8601 date-time, e.g. 2026-05-01T12:00:00Z.")
  .openapi({ format: "date-time" });

export const UsageQuery = z.object({
  subscription: z.string().max(100).optional().openapi({ description: "One subscription (one of mine, unless administrator)." }),
  product: z.string().max(100).optional(),
  api: z.string().max(100).optional(),
  operation: z.string().max(200).optional().openapi({ description: "An operation id; combine with api." }),
  user: z.string().max(100).optional().openapi({ description: "Administrators only: one user's calls." }),
  range: z.enum(Object.keys(RANGES) as [UsageRange, ...UsageRange[]]).optional().openapi({ description: "The last hour, day, 7, 30 or 90 days up to now (default day). Ignored when from is given." }),
  from: time.optional().openapi({ description: "Start (inclusive); with `to` (default now) instead of `range`." }),
  to: time.optional(),
  interval: z.enum(["minute", "hour", "day"]).optional().openapi({ description: "Series step; default follows the range." }),
});

export type UsageQueryInput = z.infer<typeof UsageQuery>;

export interface ResolvedUsageQuery {
  filter: UsageFilter;
  interval: UsageInterval;
}

export async function resolveUsageQuery(store: StoreHandle, auth: Auth, q: UsageQueryInput, now: Date = new Date()): Promise<ResolvedUsageQuery> {
  let from: Date;
  let to: Date;
  let interval: UsageInterval;
  if (q.from !== undefined) {
    from = new Date(q.from);
    to = q.to !== undefined ? new Date(q.to) : now;
    if (to.getTime() <= from.getTime()) {
      throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", { details: [{ path: "to", message: "`to` must be after `from`." }] });
    }
    const minutes = (to.getTime() - from.getTime()) / 60_000;
    interval = q.interval ?? (minutes <= 6 * 60 ? "minute" : minutes <= 14 * 1440 ? "hour" : "day");
  } else {
    if (q.to !== undefined) {
      throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", { details: [{ path: "from", message: "`to` needs `from`." }] });
    }
    const range = q.range ?? "day";
    to = now;
    from = new Date(now.getTime() - RANGES[range] * 60_000);
    interval = q.interval ?? DEFAULT_INTERVAL[range];
  }

  const filter: UsageFilter = { from, to };
  if (q.product !== undefined) filter.productId = q.product;
  if (q.api !== undefined) filter.apiId = q.api;
  if (q.operation !== undefined) filter.operationId = q.operation;
  if (auth.administrator) {
    if (q.user !== undefined) filter.userId = q.user;
  } else {
    if (q.user !== undefined && q.user !== auth.user.id) throw new PorticoError(ErrorCode.FORBIDDEN, "Only administrators may see another user's usage.");
    filter.userId = auth.user.id;
  }
  if (q.subscription !== undefined) {
    const owned = await findSubscription(store, q.subscription, auth.administrator ? {} : { ownerId: auth.user.id });
    if (owned === null) throw notFound("Subscription");
    filter.subscriptionId = q.subscription;
  }
  return { filter, interval };
}
