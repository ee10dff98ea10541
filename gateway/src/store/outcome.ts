/**
 * What repositories return instead of throwing: an outcome the caller
 * decides on (a duplicate e-mail, a used token, an illegal transition) is a
 * value; only infrastructure failures (the database is gone) throw.
 *
 * Codes are the ones in `errors.ts` where one fits, so a route can answer
 * with `errorBody(outcome.code, outcome.message)` directly.
 */
import type { ResultSet } from "@libsql/client";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { ErrorCode } from "../errors.ts";
import type * as schema from "./schema.ts";

export interface Failure<C extends string = ErrorCode> {
  ok: false;
  code: C;
  message: string;
}

export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}

/**
 * What a repository function needs: the database or an open transaction
 * (see `withTransaction`). A full `Store` satisfies it.
 */
export interface StoreHandle {
  readonly db: BaseSQLiteDatabase<"async", ResultSet, typeof schema>;
}

/**
 * Runs `fn` in one write transaction, handing it a store handle that every
 * repository function accepts, so a route can make several changes (a
 * subscription and its audit entry) that land together or not at all.
 * Repository functions that open their own transaction nest as savepoints.
 */
export async function withTransaction<T>(store: StoreHandle, fn: (tx: StoreHandle) => Promise<T>): Promise<T> {
  return store.db.transaction(async (tx) => fn({ db: tx }));
}

/** Whether an error (possibly wrapped by drizzle) is a UNIQUE or PRIMARY KEY violation. */
export function isUniqueViolation(error: unknown): boolean {
  return hasSqliteCode(error, (code) => code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY");
}

/** Whether an error (possibly wrapped by drizzle) is a FOREIGN KEY violation. */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasSqliteCode(error, (code) => code === "SQLITE_CONSTRAINT_FOREIGNKEY");
}

function hasSqliteCode(error: unknown, test: (code: string) => boolean): boolean {
  // drizzle wraps driver errors in DrizzleQueryError with the driver error as
  // `cause`; the remote client may nest once more.
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, extendedCode } = e as { code?: unknown; extendedCode?: unknown };
    if (typeof extendedCode === "string" && test(extendedCode)) return true;
    if (typeof code === "string" && test(code)) return true;
    // Remote (hrana) errors carry only SQLITE_CONSTRAINT plus the message.
    if (code === "SQLITE_CONSTRAINT" && typeof e.message === "string") {
      if (/UNIQUE constraint failed/.test(e.message) && test("SQLITE_CONSTRAINT_UNIQUE")) return true;
      if (/FOREIGN KEY constraint failed/.test(e.message) && test("SQLITE_CONSTRAINT_FOREIGNKEY")) return true;
    }
  }
  return false;
}

/** Escapes `%`, `_` and the escape character itself for `LIKE … ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A page size within [1, max], defaulting when absent. */
export function clampLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(Math.max(1, Math.floor(limit)), max);
}
