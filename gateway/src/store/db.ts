/**
 * Opening the store: one libSQL client, wrapped by drizzle, with every
 * committed migration applied before anything else runs.
 *
 * The default is a local file `<dataDir>/portico.db`. A remote libSQL server
 * (`libsql://`, `http(s)://`, `ws(s)://`) or another file is chosen by the
 * caller passing `url` (and `authToken`), which is how `PORTICO_DB_URL` and
 * `PORTICO_DB_TOKEN` reach this module: the store never reads the
 * environment itself, so tests and the CLI decide.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.ts";
import { serialiseWrites, WriteLock } from "./write-lock.ts";

export type Db = LibSQLDatabase<typeof schema>;

/** A transaction handle, accepted wherever a repository takes `Db`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export interface Store {
  readonly db: Db;
  /** The underlying client, for the few statements drizzle cannot express. */
  readonly client: Client;
  /** `file` for a local database, `remote` for a libSQL server. */
  readonly kind: "file" | "remote";
  /** The URL opened, without any credentials (safe to log). */
  readonly url: string;
  /** Waits for queued writes, then closes. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** The data folder; holds `portico.db` unless `url` says otherwise. Created if missing. */
  dataDir: string;
  /** `file:…`, `libsql://…`, `http(s)://…` or `ws(s)://…`; default `file:<dataDir>/portico.db`. */
  url?: string;
  /** Token for a remote libSQL server. */
  authToken?: string;
  /**
   * How long a writer waits for another connection's lock before failing,
   * in ms (file databases only). Several processes may share one file
   * (`--role control` beside `--role gateway`), and the usage flush holds a
   * write lock for a moment every few seconds.
   */
  busyTimeoutMs?: number;
  /**
   * How long a write waits for this process's other writes to finish, in ms
   * (file databases only; see write-lock.ts).
   */
  writeLockTimeoutMs?: number;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations", import.meta.url));
export const DEFAULT_DB_FILE = "portico.db";

const REMOTE_SCHEMES = ["libsql:", "http:", "https:", "ws:", "wss:"];

/**
 * Opens (creating if needed) and migrates the database. Throws when the
 * database cannot be opened or migrated: without a store the service cannot
 * start, so that is an infrastructure failure, not an outcome.
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const dataDir = path.resolve(options.dataDir);
  // 0700: the folder also holds secrets.json and the e-mail outbox.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  const url = options.url ?? pathToFileURL(path.join(dataDir, DEFAULT_DB_FILE)).href;
  const scheme = schemeOf(url);
  const kind = scheme === "file:" ? "file" : "remote";
  if (kind === "remote" && !REMOTE_SCHEMES.includes(scheme)) {
    throw new Error(
      `Unsupported database URL scheme "${scheme}" in ${redactUrl(url)}: use file:, libsql:, http(s): or ws(s):.`,
    );
  }
  if (kind === "file") {
    const file = filePathOf(url);
    if (file !== null) await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  }

  const raw = createClient({
    url,
    authToken: options.authToken,
    // Applied to every pooled connection of a file database (a PRAGMA would
    // reach only the one connection that ran it).
    timeout: kind === "file" ? (options.busyTimeoutMs ?? 5_000) : undefined,
  });
  // A remote server queues writers itself, without blocking this process.
  const lock = kind === "file" ? new WriteLock(options.writeLockTimeoutMs ?? 30_000) : null;
  const client = lock === null ? raw : serialiseWrites(raw, lock);

  try {
    if (kind === "file") {
      // WAL lets readers (the admin pages, the key cache reload) proceed
      // while the usage flush writes. journal_mode is stored in the file, so
      // setting it once here covers every later connection.
      await client.execute("PRAGMA journal_mode = WAL");
      // In WAL mode NORMAL is durable across application crashes and only
      // risks the last transactions on power loss; FULL would fsync every
      // usage flush for no benefit that matters here.
      await client.execute("PRAGMA synchronous = NORMAL");
    }
    const db = drizzle(client, { schema });
    let closing: Promise<void> | undefined;
    await migrateWithRetry(db);
    return {
      db,
      client,
      kind,
      url: redactUrl(url),
      close() {
        closing ??= (async () => {
          // Let queued writes (the final usage flush of a clean shutdown)
          // finish first; if they do not within the lock timeout, close anyway.
          const release = lock === null ? undefined : await lock.acquire().catch(() => undefined);
          raw.close();
          // Anything queued after this point fails with CLIENT_CLOSED rather than waiting.
          release?.();
        })();
        return closing;
      },
    };
  } catch (error) {
    raw.close();
    throw new Error(`Could not open the database at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Two processes starting together on one file (control and gateway roles)
 * can both see a migration as pending; the loser's batch fails on the tables
 * the winner created. The migrator reads its journal afresh, so one retry
 * finds the migration applied and does nothing.
 */
async function migrateWithRetry(db: Db): Promise<void> {
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } catch (first) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    } catch {
      throw first;
    }
  }
}

function schemeOf(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:)/i.exec(url);
  if (match === null) throw new Error(`Database URL "${redactUrl(url)}" has no scheme: use file:, libsql:, http(s): or ws(s):.`);
  return match[1]!.toLowerCase();
}

/** The local path of a `file:` URL, or null for `:memory:`. */
function filePathOf(url: string): string | null {
  const rest = url.slice("file:".length).split("?")[0]!;
  if (rest === ":memory:" || rest === "") return null;
  if (rest.startsWith("//")) return fileURLToPath(url.split("?")[0]!);
  return path.resolve(decodeURIComponent(rest));
}

/** Drops user info and query (where tokens may hide) so the URL can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "file:") return url.split("?")[0]!;
    parsed.username = "";
    parsed.password = "";
    parsed.search = "";
    return parsed.toString();
  } catch {
    return url.split("?")[0]!.replace(/\/\/[^@/]*@/, "//");
  }
}
