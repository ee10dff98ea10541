/**
 * GET /api/v1/openapi.json: the management API's own OpenAPI 3.1 document,
 * generated from the zod schemas every route validates with.
 */
import type { ServiceContext } from "../server/service.ts";
import type { ManagementApp } from "./env.ts";

export const SESSION_SECURITY = [{ session: [] as string[] }];

export function registerOpenApiDocument(api: ManagementApp, ctx: ServiceContext): void {
  api.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "portico_session",
    description:
      "The session cookie set by POST /auth/sign-in (named __Host-portico_session when the portal is served over HTTPS). " +
      "State changes must send Content-Type: application/json and, from a browser, an Origin that is the portal's.",
  });
  api.doc31("/openapi.json", () => ({
    openapi: "3.1.0",
    info: {
      title: `${ctx.catalog().portal.title} management API`,
      version: "1",
      description:
        "Accounts, subscriptions, keys, usage and administration of a Portico portal. " +
        "Errors share one shape with the gateway: {statusCode, code, message, requestId, details?}.",
    },
    servers: [{ url: "/api/v1" }],
    tags: [
      { name: "portal" },
      { name: "auth" },
      { name: "me" },
      { name: "catalog" },
      { name: "subscriptions" },
      { name: "usage" },
      { name: "admin" },
    ],
  }));
}
