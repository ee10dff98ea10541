/** DELETE /api/v1/admin/users/{id}: delete an account (anonymised; open subscriptions cancelled, keys dead at once). */
import { createRoute } from "@hono/zod-openapi";
import { deleteAccount } from "../../accounts/delete-account.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { administratorsOnly, notFound, requireAdmin, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam } from "../schemas.ts";

export const route = createRoute({
  method: "delete",
  path: "/admin/users/{id}",
  tags: ["admin"],
  summary: "Delete a user",
  security: SESSION_SECURITY,
  middleware: [administratorsOnly] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Deleted." }, ...errors(401, 403, 404, 409) },
});

export function registerAdminUsersDelete(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const admin = requireAdmin(c);
    const { id } = c.req.valid("param");
    if (id === admin.user.id) throw new PorticoError(ErrorCode.CONFLICT, "Delete your own account from your account page, not here.");
    const result = await deleteAccount(deps.ctx, id, { kind: "admin", id: admin.user.id });
    if (!result.ok) throw notFound("User");
    return c.body(null, 204);
  });
}
