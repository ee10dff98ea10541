/** POST /api/v1/admin/subscriptions/{id}/reject (see admin-decision.ts). */
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { registerAdminDecision } from "../admin-decision.ts";

export function registerAdminSubscriptionsReject(api: ManagementApp, deps: ManagementDeps): void {
  registerAdminDecision(api, deps, "reject");
}
