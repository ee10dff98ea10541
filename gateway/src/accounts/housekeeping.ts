/**
 * Work the control plane does on its own: expiring subscriptions past their
 * end date, deleting expired sessions and one-time tokens, and following the
 * audit log so that subscription changes made by another process (the
 * `portico admin` CLI, another control node) reach this process's gateway
 * at once.
 */
import type { Logger } from "../log.ts";
import { appendAudit, deleteExpiredSessions, deleteExpiredTokens, expireDueSubscriptions, type Store } from "../store/index.ts";
import { latestAuditId, subscriptionChangesSince } from "./audit-follow.ts";

export interface HousekeepingOptions {
  store: Store;
  logger: Logger;
  subscriptionChanged(id: string): Promise<void>;
  /** How often expired rows are swept (default 10 minutes). */
  sweepMs?: number;
  /** How often the audit log is followed (default 2 s). */
  followMs?: number;
}

export interface Housekeeping {
  /** Runs one sweep now (also used at start). */
  sweep(): Promise<void>;
  /** Applies subscription changes audited since the last call. */
  follow(): Promise<void>;
  close(): Promise<void>;
}

export async function startHousekeeping(options: HousekeepingOptions): Promise<Housekeeping> {
  const { store, logger } = options;
  let cursor = await latestAuditId(store);
  let closed = false;
  let running: Promise<void> = Promise.resolve();

  // One task at a time, and none after close: the store closes right after.
  const serial = (task: () => Promise<void>) => {
    running = running.then(async () => {
      if (closed) return;
      try {
        await task();
      } catch (err) {
        logger.error("housekeeping failed", { err });
      }
    });
    return running;
  };

  const sweep = () =>
    serial(async () => {
      const now = new Date();
      for (const id of await expireDueSubscriptions(store, now)) {
        await appendAudit(store, { actorKind: "system", action: "subscription.expire", targetType: "subscription", targetId: id, data: { to: "expired" } }, now);
        await options.subscriptionChanged(id);
      }
      const sessions = await deleteExpiredSessions(store, now);
      const tokens = await deleteExpiredTokens(store, now);
      if (sessions + tokens > 0) logger.debug("housekeeping", { expiredSessions: sessions, expiredTokens: tokens });
    });

  const follow = () =>
    serial(async () => {
      // One page (500 entries) per tick; a longer backlog drains over the next ticks.
      const page = await subscriptionChangesSince(store, cursor);
      for (const id of page.ids) await options.subscriptionChanged(id);
      cursor = page.cursor;
    });

  await sweep();
  const sweepTimer = setInterval(() => void sweep(), options.sweepMs ?? 10 * 60_000);
  const followTimer = setInterval(() => void follow(), options.followMs ?? 2_000);
  sweepTimer.unref();
  followTimer.unref();

  return {
    sweep,
    follow,
    async close() {
      clearInterval(sweepTimer);
      clearInterval(followTimer);
      await running;
      closed = true;
    },
  };
}
