/**
 * POST /api/v1/subscriptions: subscribe to a product. The product must be
 * one the caller may see (a hidden one is 404 like a missing one), published,
 * and need a key at all (an open product is 409 PRODUCT_NOT_SUBSCRIBABLE);
 * its terms must be accepted; its per-user limit is checked inside the
 * insert's transaction (409 SUBSCRIPTIONS_LIMIT_REACHED). Products that need
 * approval start `submitted` and the subscriber is told by e-mail; the others
 * are `active` at once and their keys work in the gateway immediately.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { notifySubscriber } from "../../accounts/subscription-actions.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { appendAudit, createSubscription, withTransaction } from "../../store/index.ts";
import { fail, notFound, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors, json, SubscriptionSchema } from "../schemas.ts";
import { subscriptionView, visibleProduct } from "../views.ts";

export const SubscriptionCreateBody = z
  .strictObject({
    product: z.string({ error: "A product id is required." }).min(1, "A product id is required.").max(100).openapi({ example: "basic" }),
    name: z.string().trim().min(1, "A name cannot be empty.").max(100, "A name has at most 100 characters.").optional().openapi({
      description: "What the subscription is for (default: the product's title).",
      example: "Delivery planner (staging)",
    }),
    acceptTerms: z.boolean().optional().openapi({ description: "Must be true when the product has terms." }),
  })
  .openapi("SubscriptionCreate");

export const route = createRoute({
  method: "post",
  path: "/subscriptions",
  tags: ["subscriptions"],
  summary: "Subscribe to a product",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { body: body(SubscriptionCreateBody) },
  responses: { 201: json(SubscriptionSchema, "Created: active, or submitted for approval."), ...errors(400, 401, 404, 409) },
});

export function registerSubscriptionsCreate(api: ManagementApp, deps: ManagementDeps): void {
  const { ctx } = deps;
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const input = c.req.valid("json");
    const catalog = ctx.catalog();
    const product = visibleProduct(catalog, input.product, auth.groups);
    if (product === undefined) throw notFound("Product");
    if (!product.subscriptionRequired) {
      throw new PorticoError(ErrorCode.PRODUCT_NOT_SUBSCRIBABLE, `${product.title} is an open product: call its APIs without a key.`);
    }
    if (product.state !== "published") {
      throw new PorticoError(ErrorCode.PRODUCT_NOT_SUBSCRIBABLE, `${product.title} is not published, so nobody can subscribe to it yet.`);
    }
    if (product.terms !== null && input.acceptTerms !== true) {
      throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", {
        details: [{ path: "acceptTerms", message: `Accept the terms of ${product.title} to subscribe (acceptTerms: true).` }],
      });
    }
    const now = new Date();
    const state = product.approvalRequired ? "submitted" : "active";
    const result = await withTransaction(ctx.store, async (tx) => {
      const created = await createSubscription(
        tx,
        {
          userId: auth.user.id,
          productId: product.id,
          name: input.name ?? product.title,
          state,
          termsAcceptedAt: product.terms !== null ? now : null,
          limit: product.subscriptionsLimit,
          keyPrefix: catalog.portal.keyPrefix,
          secrets: ctx.secrets,
        },
        now,
      );
      if (created.ok) {
        await appendAudit(
          tx,
          { actorKind: "user", actorId: auth.user.id, action: "subscription.create", targetType: "subscription", targetId: created.subscription.id, data: { product: product.id, state } },
          now,
        );
      }
      return created;
    });
    if (!result.ok) fail(result);
    await ctx.subscriptionChanged(result.subscription.id);
    if (state === "submitted") await notifySubscriber(deps.actions, result.subscription, "submitted", null);
    return c.json(subscriptionView(result.subscription, catalog), 201);
  });
}
