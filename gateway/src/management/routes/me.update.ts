/** PATCH /api/v1/me: change one's name and custom profile fields (the address and password have their own routes). */
import { createRoute, z } from "@hono/zod-openapi";
import { checkCustomFields } from "../../accounts/custom-fields.ts";
import { ErrorCode, PorticoError } from "../../errors.ts";
import { updateUser } from "../../store/index.ts";
import { fail, requireUser, signedInOnly, type ManagementApp, type ManagementDeps } from "../env.ts";
import { SESSION_SECURITY } from "../openapi.ts";
import { body, errors, json, MeSchema, Name } from "../schemas.ts";
import { meView } from "../views.ts";

export const MeUpdateBody = z
  .strictObject({
    name: Name.min(1, "A name is required.").optional(),
    customFields: z.record(z.string(), z.unknown()).optional().openapi({ description: "Values of the portal's custom fields, by name; absent ones stay." }),
  })
  .openapi("MeUpdate");

export const route = createRoute({
  method: "patch",
  path: "/me",
  tags: ["me"],
  summary: "Change one's profile",
  security: SESSION_SECURITY,
  middleware: [signedInOnly] as const,
  request: { body: body(MeUpdateBody) },
  responses: { 200: json(MeSchema, "The updated user."), ...errors(400, 401) },
});

export function registerMeUpdate(api: ManagementApp, deps: ManagementDeps): void {
  api.openapi(route, async (c) => {
    const auth = requireUser(c);
    const input = c.req.valid("json");
    let customFields: Record<string, unknown> | undefined;
    if (input.customFields !== undefined) {
      const checked = checkCustomFields(input.customFields, deps.ctx.catalog().portal.signUp.fields, { partial: true });
      if (!checked.ok) {
        throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", {
          details: checked.problems.map((p) => ({ path: `customFields.${p.path}`, message: p.message })),
        });
      }
      customFields = { ...auth.user.customFields, ...checked.values };
      // A field sent empty is cleared.
      for (const [k, v] of Object.entries(input.customFields)) if (v === null || v === "") delete customFields[k];
    }
    const result = await updateUser(deps.ctx.store, auth.user.id, { name: input.name, customFields });
    if (!result.ok) fail(result);
    return c.json(meView({ ...auth, user: result.user }), 200);
  });
}
