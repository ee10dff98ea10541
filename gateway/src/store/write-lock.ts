/**
 * One writer at a time per process, for a local database file.
 *
 * Why: the libSQL file client keeps a pool of connections, and the native
 * driver waits for a lock *synchronously* (SQLite's busy timeout blocks the
 * calling thread). If one connection holds an open write transaction across
 * an `await` and another connection in the same process tries to write, the
 * second blocks the event loop, so the first can never finish: both fail
 * after the busy timeout, with the whole process frozen meanwhile. Queuing
 * writers in JavaScript first means the native lock is always free by the
 * time a write reaches it. Other processes sharing the file (a gateway-only
 * node beside a control-plane node) are still covered by the busy timeout.
 *
 * Plain SELECTs skip the queue: in WAL mode readers never wait for writers.
 */
import type { Client, InArgs, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";

/**
 * A FIFO async mutex whose waits time out, so a write attempted through the
 * store from inside one of its own transactions (which can never get the
 * lock) fails with a clear error instead of hanging forever.
 */
export class WriteLock {
  #held = false;
  #waiters: Array<{ grant: () => void; timer: NodeJS.Timeout }> = [];
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Resolves with a release function once this caller holds the lock. */
  acquire(): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(this.#releaser());
        },
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `Timed out after ${this.timeoutMs} ms waiting for the database write lock ` +
                "(a write issued through the store while one of its transactions is open?)",
            ),
          );
        }, this.timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next === undefined) this.#held = false;
      else next.grant();
    };
  }
}

/** Whether a statement only reads (and so may run beside a writer). */
function isReadOnly(stmt: InStatement | string): boolean {
  const sql = typeof stmt === "string" ? stmt : stmt.sql;
  return /^\s*select\b/i.test(sql) && !/\breturning\b/i.test(sql);
}

/** Wraps a file-database client so every write goes through `lock`. */
export function serialiseWrites(client: Client, lock: WriteLock): Client {
  const wrapped = {
    execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
      const run = () => (typeof stmtOrSql === "string" ? client.execute(stmtOrSql, args) : client.execute(stmtOrSql));
      return isReadOnly(stmtOrSql) ? run() : lock.run(run);
    },
    batch(stmts: Array<InStatement | [string, InArgs?]>, mode?: TransactionMode) {
      return lock.run(() => client.batch(stmts, mode));
    },
    migrate(stmts: InStatement[]) {
      return lock.run(() => client.migrate(stmts));
    },
    executeMultiple(sql: string) {
      return lock.run(() => client.executeMultiple(sql));
    },
    async transaction(mode?: TransactionMode): Promise<Transaction> {
      const release = await lock.acquire();
      try {
        return holdUntilSettled(await client.transaction(mode), release);
      } catch (error) {
        release();
        throw error;
      }
    },
  };
  return new Proxy(client, {
    get(target, prop) {
      if (Object.hasOwn(wrapped, prop)) return wrapped[prop as keyof typeof wrapped];
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A transaction that gives the lock back however it ends. */
function holdUntilSettled(tx: Transaction, release: () => void): Transaction {
  const settle = {
    async commit() {
      try {
        await tx.commit();
      } finally {
        release();
      }
    },
    async rollback() {
      try {
        await tx.rollback();
      } finally {
        release();
      }
    },
    close() {
      try {
        tx.close();
      } finally {
        release();
      }
    },
  };
  return new Proxy(tx, {
    get(target, prop) {
      if (Object.hasOwn(settle, prop)) return settle[prop as keyof typeof settle];
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
