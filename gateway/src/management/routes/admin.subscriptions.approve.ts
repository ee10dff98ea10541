/** POST /api/v1/admin/subscriptions/{id}/approve (see admin-decision.ts). */
import type { ManagementApp, ManagementDeps } from "../env.ts";
import { registerAdminDecision } from "../admin-decision.ts";

export function registerAdminSubscriptionsApprove(api: ManagementApp, deps: ManagementDeps): void {
  registerAdminDecision(api, deps, "approve");
}
