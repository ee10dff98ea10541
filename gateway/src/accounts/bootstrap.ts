/**
 * The first administrator, from PORTICO_ADMIN_EMAIL and
 * PORTICO_ADMIN_PASSWORD (DESIGN §8), created when the service starts.
 *
 * An account that already has the address is made an administrator only
 * when its address is verified: otherwise whoever signed up first with the
 * operator's address (and chose its password) would become one.
 */
import { ConfigError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { addGroupMember, appendAudit, createUser, findUserByEmail, withTransaction, type Store } from "../store/index.ts";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./passwords.ts";

export async function bootstrapAdministrator(store: Store, logger: Logger, email: string | undefined, password: string | undefined): Promise<void> {
  if (email === undefined || email === "") return;
  if (password === undefined || password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new ConfigError(`PORTICO_ADMIN_PASSWORD must be set, with ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, when PORTICO_ADMIN_EMAIL is.`);
  }
  const existing = await findUserByEmail(store, email);
  if (existing !== null) {
    if (existing.emailVerifiedAt === null) {
      logger.warn("PORTICO_ADMIN_EMAIL names an account whose address is not verified; it was not made an administrator", { userId: existing.id });
      return;
    }
    const added = await addGroupMember(store, { groupId: "administrators", userId: existing.id });
    if (added.ok && added.added) {
      await appendAudit(store, { actorKind: "system", action: "group.member.add", targetType: "user", targetId: existing.id, data: { group: "administrators", reason: "PORTICO_ADMIN_EMAIL" } });
      logger.info("made the account named by PORTICO_ADMIN_EMAIL an administrator", { userId: existing.id });
    }
    return;
  }
  const passwordHash = await hashPassword(password);
  await withTransaction(store, async (tx) => {
    const created = await createUser(tx, { email, name: "Administrator", passwordHash, emailVerifiedAt: new Date() });
    if (!created.ok) throw new ConfigError(`PORTICO_ADMIN_EMAIL: ${created.message}`);
    await addGroupMember(tx, { groupId: "administrators", userId: created.user.id });
    await appendAudit(tx, { actorKind: "system", action: "user.create", targetType: "user", targetId: created.user.id, data: { administrator: true, reason: "PORTICO_ADMIN_EMAIL" } });
    logger.info("created the first administrator from PORTICO_ADMIN_EMAIL", { userId: created.user.id });
  });
}
