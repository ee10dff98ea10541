/** GET /api/v1/me/sessions: where one is signed in. */
import { createRoute, z } from "@hono/zod-openapi";
import { listUserSessions } from "../../store/index.ts";
import { requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { errors, json, SessionSchema } from "../schemas.ts";
import { sessionView } from "../views.ts";

export const SessionListSchema = z.object({ sessions: z.array(SessionSchema) }).openapi("SessionList");

export const route = createRoute({
  method: "get",
  path: "/me/sessions",
  tags: ["me"],
  summary: "One's sessions",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  responses: { 200: json(SessionListSchema, "Unexpired sessions, oldest first."), ...errors(401) },
});

export function registerMeSessionsList(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const sessions = await listUserSessions(deps.ctx.store, auth.user.id);
    return c.json({ sessions: sessions.map((s) => sessionView(s, auth.sessionId)) }, 200);
  });
}
