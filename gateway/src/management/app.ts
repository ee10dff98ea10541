/**
 * The management API under /api/v1: one route per file, each listed here,
 * in the order of the OpenAPI document.
 *
 * Why @hono/zod-openapi: the control listener is already Hono, and this
 * package makes one zod schema per route do three jobs — validate the
 * request, type the handler's answer, and generate /api/v1/openapi.json —
 * so the document cannot drift from the code. The alternatives either
 * describe routes beside the code (hand-written YAML, JSDoc generators) or
 * bring a second framework to the listener (fastify with its swagger
 * plugin).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { BackgroundTasks } from "../accounts/background.ts";
import { bootstrapAdministrator } from "../accounts/bootstrap.ts";
import { clientIpResolver } from "../accounts/client-ip.ts";
import { createMailer } from "../accounts/email/mailer.ts";
import { startHousekeeping, type Housekeeping } from "../accounts/housekeeping.ts";
import { Notifier } from "../accounts/notifier.ts";
import { OidcClient } from "../accounts/oidc.ts";
import { originGuard } from "../accounts/origin-guard.ts";
import { SessionManager } from "../accounts/session-manager.ts";
import { Throttles } from "../accounts/throttle.ts";
import { ErrorCode, PorticoError } from "../errors.ts";
import { jsonError, type ControlEnv } from "../server/control-app.ts";
import type { ManagementHooks, ServiceContext } from "../server/service.ts";
import type { ManagementDeps, ManagementEnv, RegisterRoute } from "./env.ts";
import { registerOpenApiDocument } from "./openapi.ts";
import { registerAdminApprovals } from "./routes/admin.approvals.ts";
import { registerAdminAudit } from "./routes/admin.audit.ts";
import { registerAdminGroupsCreate } from "./routes/admin.groups.create.ts";
import { registerAdminGroupsDelete } from "./routes/admin.groups.delete.ts";
import { registerAdminGroupsList } from "./routes/admin.groups.list.ts";
import { registerAdminGroupsMembersAdd } from "./routes/admin.groups.members.add.ts";
import { registerAdminGroupsMembersList } from "./routes/admin.groups.members.list.ts";
import { registerAdminGroupsMembersRemove } from "./routes/admin.groups.members.remove.ts";
import { registerAdminGroupsUpdate } from "./routes/admin.groups.update.ts";
import { registerAdminSubscriptionsApprove } from "./routes/admin.subscriptions.approve.ts";
import { registerAdminSubscriptionsCancel } from "./routes/admin.subscriptions.cancel.ts";
import { registerAdminSubscriptionsList } from "./routes/admin.subscriptions.list.ts";
import { registerAdminSubscriptionsReactivate } from "./routes/admin.subscriptions.reactivate.ts";
import { registerAdminSubscriptionsReject } from "./routes/admin.subscriptions.reject.ts";
import { registerAdminSubscriptionsSuspend } from "./routes/admin.subscriptions.suspend.ts";
import { registerAdminUsersBlock } from "./routes/admin.users.block.ts";
import { registerAdminUsersDelete } from "./routes/admin.users.delete.ts";
import { registerAdminUsersGet } from "./routes/admin.users.get.ts";
import { registerAdminUsersInvite } from "./routes/admin.users.invite.ts";
import { registerAdminUsersList } from "./routes/admin.users.list.ts";
import { registerAdminUsersUnblock } from "./routes/admin.users.unblock.ts";
import { registerApisGet } from "./routes/apis.get.ts";
import { registerApisList } from "./routes/apis.list.ts";
import { registerAuthInviteAccept } from "./routes/auth.invite.accept.ts";
import { registerAuthOidcCallback } from "./routes/auth.oidc.callback.ts";
import { registerAuthOidcStart } from "./routes/auth.oidc.start.ts";
import { registerAuthPasswordReset } from "./routes/auth.password-reset.ts";
import { registerAuthPasswordResetConfirm } from "./routes/auth.password-reset.confirm.ts";
import { registerAuthSignIn } from "./routes/auth.sign-in.ts";
import { registerAuthSignOut } from "./routes/auth.sign-out.ts";
import { registerAuthSignUp } from "./routes/auth.sign-up.ts";
import { registerAuthVerify } from "./routes/auth.verify.ts";
import { registerAuthVerifyResend } from "./routes/auth.verify.resend.ts";
import { registerMeDelete } from "./routes/me.delete.ts";
import { registerMeEmail } from "./routes/me.email.ts";
import { registerMeGet } from "./routes/me.get.ts";
import { registerMePassword } from "./routes/me.password.ts";
import { registerMeSessionsDelete } from "./routes/me.sessions.delete.ts";
import { registerMeSessionsList } from "./routes/me.sessions.list.ts";
import { registerMeUpdate } from "./routes/me.update.ts";
import { registerPortalGet } from "./routes/portal.get.ts";
import { registerProductsGet } from "./routes/products.get.ts";
import { registerProductsList } from "./routes/products.list.ts";
import { registerSubscriptionsCancel } from "./routes/subscriptions.cancel.ts";
import { registerSubscriptionsCreate } from "./routes/subscriptions.create.ts";
import { registerSubscriptionsGet } from "./routes/subscriptions.get.ts";
import { registerSubscriptionsKeys } from "./routes/subscriptions.keys.ts";
import { registerSubscriptionsKeysRegenerate } from "./routes/subscriptions.keys.regenerate.ts";
import { registerSubscriptionsList } from "./routes/subscriptions.list.ts";
import { registerSubscriptionsRename } from "./routes/subscriptions.rename.ts";
import { registerUsageBreakdown } from "./routes/usage.breakdown.ts";
import { registerUsageGet } from "./routes/usage.get.ts";

export const API_BASE = "/api/v1";
/** Larger than any legitimate body (a sign-up with custom fields is well under 4 KiB). */
const MAX_BODY_BYTES = 64 * 1024;

const ROUTES: readonly RegisterRoute[] = [
  registerPortalGet,
  // accounts
  registerAuthSignUp,
  registerAuthVerify,
  registerAuthVerifyResend,
  registerAuthSignIn,
  registerAuthSignOut,
  registerAuthPasswordReset,
  registerAuthPasswordResetConfirm,
  registerAuthInviteAccept,
  registerAuthOidcStart,
  registerAuthOidcCallback,
  registerMeGet,
  registerMeUpdate,
  registerMeEmail,
  registerMePassword,
  registerMeDelete,
  registerMeSessionsList,
  registerMeSessionsDelete,
  // catalog
  registerProductsList,
  registerProductsGet,
  registerApisList,
  registerApisGet,
  // subscriptions and keys
  registerSubscriptionsCreate,
  registerSubscriptionsList,
  registerSubscriptionsGet,
  registerSubscriptionsRename,
  registerSubscriptionsCancel,
  registerSubscriptionsKeys,
  registerSubscriptionsKeysRegenerate,
  // usage
  registerUsageGet,
  registerUsageBreakdown,
  // administration
  registerAdminUsersList,
  registerAdminUsersGet,
  registerAdminUsersInvite,
  registerAdminUsersBlock,
  registerAdminUsersUnblock,
  registerAdminUsersDelete,
  registerAdminGroupsList,
  registerAdminGroupsCreate,
  registerAdminGroupsUpdate,
  registerAdminGroupsDelete,
  registerAdminGroupsMembersList,
  registerAdminGroupsMembersAdd,
  registerAdminGroupsMembersRemove,
  registerAdminSubscriptionsList,
  registerAdminApprovals,
  registerAdminSubscriptionsApprove,
  registerAdminSubscriptionsReject,
  registerAdminSubscriptionsSuspend,
  registerAdminSubscriptionsReactivate,
  registerAdminSubscriptionsCancel,
  registerAdminAudit,
];

export function createManagementDeps(ctx: ServiceContext): ManagementDeps {
  const portalUrl = () => ctx.urls.portal;
  const notifier = new Notifier({
    mailer: createMailer({ dataDir: ctx.config.dataDir, smtpUrl: ctx.config.smtpUrl, logger: ctx.logger }),
    catalog: ctx.catalog,
    portalUrl,
  });
  return {
    ctx,
    // A portal hosted on another origin than the service gets a cookie its calls carry (session-cookie.ts).
    sessions: new SessionManager({ store: ctx.store, portalUrl, serviceUrl: () => ctx.catalog().portal.serviceUrl }),
    notifier,
    throttles: new Throttles(ctx.counters),
    clientIp: clientIpResolver(ctx.config.trustedProxies),
    oidc: new OidcClient(ctx.secrets.sessionSecret),
    actions: {
      store: ctx.store,
      catalog: ctx.catalog,
      notifier,
      logger: ctx.logger,
      subscriptionChanged: (id) => ctx.subscriptionChanged(id),
    },
    background: new BackgroundTasks(ctx.logger),
  };
}

interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/**
 * Validation failures, in the one error shape with a `{path, message}` per
 * problem. An unknown key is reported at its own path (zod puts it on the
 * parent object), worded like an unknown custom field.
 */
function validationHook(result: { success: boolean; target: string; error?: { issues: Issue[] } }): void {
  if (result.success || result.error === undefined) return;
  const at = (path: PropertyKey[]) => (path.length > 0 ? path.map(String).join(".") : result.target);
  const details = result.error.issues.flatMap((issue) =>
    issue.code === "unrecognized_keys" && issue.keys !== undefined
      ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: `Unknown field "${key}".` }))
      : [{ path: at(issue.path), message: issue.message }],
  );
  throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", { details });
}

export function createManagementApi(deps: ManagementDeps): OpenAPIHono<ManagementEnv> {
  const { ctx } = deps;
  const api = new OpenAPIHono<ManagementEnv>({ defaultHook: validationHook });

  api.onError(function managementError(err, c) {
    if (err instanceof PorticoError) return jsonError(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 415) return jsonError(c, new PorticoError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "State changes accept only JSON: send Content-Type: application/json."));
      if (err.status === 413) return jsonError(c, new PorticoError(ErrorCode.PAYLOAD_TOO_LARGE, `The body is larger than ${MAX_BODY_BYTES} bytes.`));
      if (err.status === 400) return jsonError(c, new PorticoError(ErrorCode.BAD_REQUEST, "The body is not valid JSON."));
    }
    ctx.logger.error("unhandled error", { requestId: c.get("requestId"), path: c.req.path, err });
    return jsonError(c, new PorticoError(ErrorCode.INTERNAL, "An internal error occurred. Quote the request id when reporting it."));
  });

  api.use(
    "*",
    originGuard({ trustedUrls: () => [ctx.urls.portal, ctx.catalog().portal.url, ctx.catalog().portal.serviceUrl] }),
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PorticoError(ErrorCode.PAYLOAD_TOO_LARGE, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
      },
    }),
    async function emptyJsonBodyIsEmptyObject(c, next) {
      // "Send {} or nothing" for every route: an empty JSON body reads as
      // {}, so routes whose fields are all optional need no body at all,
      // and a missing required field is reported by name, not as bad JSON.
      const m = c.req.method;
      if ((m === "POST" || m === "PUT" || m === "PATCH" || m === "DELETE") && c.req.header("content-type") !== undefined) {
        const length = c.req.header("content-length");
        const chunked = c.req.header("transfer-encoding") !== undefined;
        if (length === "0" || (length === undefined && !chunked)) {
          c.req.raw = new Request(c.req.raw, { body: "{}" });
        }
      }
      await next();
    },
    async function authenticate(c, next) {
      c.set("auth", await deps.sessions.authenticate(c));
      await next();
      // Every answer is about this caller, or may change with their groups.
      c.header("Cache-Control", "no-store");
    },
  );

  for (const register of ROUTES) register(api, deps);
  registerOpenApiDocument(api, ctx);
  return api;
}

/**
 * Mounts the management API on the control app and returns the start-up
 * and shutdown work that goes with it (the first administrator, housekeeping,
 * the mail transport).
 */
export function registerManagementApi(app: Hono<ControlEnv>, ctx: ServiceContext): ManagementHooks {
  const deps = createManagementDeps(ctx);
  app.route(API_BASE, createManagementApi(deps) as unknown as Hono<ControlEnv>);
  let housekeeping: Housekeeping | undefined;
  return {
    // Which portal tree a page request is served (control-app.ts): the session's groups, checked per request.
    viewer: async (c) => (await deps.sessions.authenticate(c))?.groups ?? null,
    async start() {
      await bootstrapAdministrator(ctx.store, ctx.logger, ctx.config.adminEmail, ctx.config.adminPassword);
      housekeeping = await startHousekeeping({ store: ctx.store, logger: ctx.logger, subscriptionChanged: (id) => ctx.subscriptionChanged(id) });
    },
    async close() {
      await housekeeping?.close();
      await deps.background.drain();
      await deps.notifier.mailer.close();
    },
  };
}
