/**
 * The current password, asked again before a sensitive change of a signed-in
 * account (address, password, deletion). A wrong one counts as a failed
 * sign-in for the throttle, so a stolen session cannot be used to guess it.
 * Accounts without a password (made through OpenID Connect) pass.
 */
import { verifyPassword } from "../accounts/passwords.ts";
import type { Auth } from "../accounts/session-manager.ts";
import { ErrorCode, PorticoError } from "../errors.ts";
import type { ManagementDeps } from "./env.ts";

export async function confirmPassword(deps: ManagementDeps, auth: Auth, ip: string, password: string | undefined, field: string): Promise<void> {
  const hash = auth.user.passwordHash;
  if (hash === null) return;
  await deps.throttles.checkSignIn(auth.user.email, ip);
  if (password === undefined || !(await verifyPassword(hash, password))) {
    await deps.throttles.recordSignInFailure(auth.user.email, ip);
    throw new PorticoError(ErrorCode.VALIDATION_FAILED, "The request is invalid; see details.", {
      details: [{ path: field, message: password === undefined ? "Your current password is required." : "The current password is not correct." }],
    });
  }
}
