/**
 * The five administrator decisions on a subscription share one shape:
 * POST /admin/subscriptions/{id}/<verb> with an optional (or, to reject,
 * required) reason, answering with the subscription. Each route file calls
 * this with its verb, so each stays one route per file.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { usersByIds } from "../accounts/memberships.ts";
import { decideSubscription, type AdminDecision } from "../accounts/subscription-actions.ts";
import { administratorsOnly, fail, requireAdmin, type ManagementApp, type ManagementDeps } from "./env.ts";
import { SESSION_SECURITY } from "./openapi.ts";
import { AdminSubscriptionSchema, body, errors, IdParam, json } from "./schemas.ts";
import { adminSubscriptionView } from "./views.ts";

const reason = z.string().trim().max(1000, "A reason has at most 1000 characters.");

export const OptionalReasonBody = z.strictObject({ reason: reason.optional() }).openapi("DecisionReason");
export const RequiredReasonBody = z
  .strictObject({ reason: z.string({ error: "A reason is required: the subscriber reads it." }).trim().min(1, "A reason is required: the subscriber reads it.").max(1000) })
  .openapi("RejectionReason");

const TEXT: Record<AdminDecision, { summary: string; description: string }> = {
  approve: { summary: "Approve a request", description: "submitted → active; the keys work at once and the subscriber is e-mailed." },
  reject: { summary: "Reject a request", description: "submitted → rejected, with a reason the subscriber receives by e-mail." },
  suspend: { summary: "Suspend a subscription", description: "active → suspended; the keys stop at once and the subscriber is e-mailed." },
  reactivate: { summary: "Reactivate a subscription", description: "suspended → active; the keys work again and the subscriber is e-mailed." },
  cancel: { summary: "Cancel a subscription", description: "submitted, active or suspended → cancelled; the keys stop for good and the subscriber is e-mailed." },
};

export function adminDecisionRoute(decision: AdminDecision) {
  return createRoute({
    method: "post",
    path: `/admin/subscriptions/{id}/${decision}`,
    tags: ["admin"],
    summary: TEXT[decision].summary,
    description: TEXT[decision].description,
    security: SESSION_SECURITY,
    middleware: [administratorsOnly] as const,
    request: { params: IdParam, body: body(decision === "reject" ? RequiredReasonBody : OptionalReasonBody) },
    responses: { 200: json(AdminSubscriptionSchema, "The subscription in its new state."), ...errors(400, 401, 403, 404, 409) },
  });
}

export function registerAdminDecision(api: ManagementApp, deps: ManagementDeps, decision: AdminDecision): void {
  api.openapi(adminDecisionRoute(decision), async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const result = await decideSubscription(deps.actions, { id, decision, actor: { kind: "admin", id: admin.user.id }, reason: reason || null });
    if (!result.ok) fail(result);
    const users = await usersByIds(deps.ctx.store, result.subscription.userId === null ? [] : [result.subscription.userId]);
    return c.json(adminSubscriptionView(result.subscription, deps.ctx.catalog(), users), 200);
  });
}
