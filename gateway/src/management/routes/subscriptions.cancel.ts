/**
 * DELETE /api/v1/subscriptions/{id}: the owner cancels a subscription (or
 * withdraws a request). Its keys stop working in the gateway at once.
 */
import { createRoute } from "@hono/zod-openapi";
import { changeSubscriptionState } from "../../accounts/subscription-actions.ts";
import { fail, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam } from "../schemas.ts";

export const route = createRoute({
  method: "delete",
  path: "/subscriptions/{id}",
  tags: ["subscriptions"],
  summary: "Cancel one of my subscriptions",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Cancelled." }, ...errors(401, 404, 409) },
});

export function registerSubscriptionsCancel(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { id } = c.req.valid("param");
    const result = await changeSubscriptionState(deps.ctx.store, { id, decision: "cancel", actor: { kind: "user", id: auth.user.id }, ownerId: auth.user.id });
    if (!result.ok) fail(result);
    await deps.ctx.subscriptionChanged(id);
    return c.body(null, 204);
  });
}
