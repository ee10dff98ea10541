/**
 * Work done after the answer has gone out (a reset e-mail), so that the
 * answer takes as long whether or not there was anything to do, and a
 * caller cannot learn from the timing whether an address has an account.
 * `drain` waits for what is still running before the store closes.
 */
import type { Logger } from "../log.ts";

export class BackgroundTasks {
  readonly #running = new Set<Promise<void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  run(name: string, task: () => Promise<unknown>): void {
    const p: Promise<void> = Promise.resolve()
      .then(task)
      .then(
        () => undefined,
        (err: unknown) => this.#logger.error("background task failed", { task: name, err }),
      )
      .finally(() => this.#running.delete(p));
    this.#running.add(p);
  }

  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
