/** DELETE /api/v1/me/sessions/{id}: sign one of one's sessions out (another device, or this one). */
import { createRoute } from "@hono/zod-openapi";
import { deleteSession, listUserSessions } from "../../store/index.ts";
import { notFound, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, IdParam } from "../schemas.ts";

export const route = createRoute({
  method: "delete",
  path: "/me/sessions/{id}",
  tags: ["me"],
  summary: "End one of one's sessions",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { params: IdParam },
  responses: { 204: { description: "Ended." }, ...errors(401, 404) },
});

export function registerMeSessionsDelete(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const { id } = c.req.valid("param");
    // Only among one's own: another user's session id is "not found".
    const mine = await listUserSessions(deps.ctx.store, auth.user.id);
    if (!mine.some((s) => s.id === id)) throw notFound("Session");
    if (id === auth.sessionId) await deps.sessions.end(c, auth);
    else await deleteSession(deps.ctx.store, id);
    return c.body(null, 204);
  });
}
