/**
 * GET /api/v1/subscriptions/{id}/keys: both keys in the clear, for their
 * owner only (anyone else, administrators included, gets 404). The keys are
 * decrypted from the store's AES-GCM copy; only their HMAC is used for lookup.
 */
import { createRoute } from "@hono/zod-openapi";
import { getSubscriptionKeys } from "../../store/index.ts";
import { notFound, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam, json, KeysSchema } from "../schemas.ts";

export const route = createRoute({
  method: "get",
  path: "/subscriptions/{id}/keys",
  tags: ["subscriptions"],
  summary: "Show my subscription's keys",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { params: IdParam },
  responses: { 200: json(KeysSchema, "Both keys."), ...errors(401, 404) },
});

export function registerSubscriptionsKeys(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { id } = c.req.valid("param");
    const keys = await getSubscriptionKeys(deps.ctx.store, id, deps.ctx.secrets, { ownerId: auth.user.id });
    if (!keys.ok) {
      if (keys.code === "NOT_FOUND") throw notFound("Subscription");
      // Undecryptable: the operator must look (wrong PORTICO_KEY_ENCRYPTION_KEY); the owner can regenerate.
      throw new Error(keys.message);
    }
    return c.json({ primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey }, 200);
  });
}
