/**
 * Throttles for the endpoints that guessing attacks and mail bombs aim at,
 * kept in the shared CounterStore (memory on one node, Redis in a cluster)
 * so every node counts the same attempts.
 *
 * Sign-in counts failures, not attempts: a user who signs in and out all day
 * is never stopped, while a guesser is stopped after a handful of wrong
 * passwords for one account (wherever they come from) and after a few dozen
 * from one address (whichever accounts they try). Once stopped, even the
 * right password is refused until the window frees a place, or the lock
 * would tell the guesser when they hit it.
 *
 * Sign-up, reset and "send the link again" count every request per address,
 * and reset also per e-mail address, silently: an answer that differed when
 * one address is throttled would reveal that it has an account.
 */
import { PorticoError, ErrorCode } from "../errors.ts";
import { isPromise, type CounterStore, type WindowDecision } from "../counters/counter-store.ts";
import { normalizeEmail } from "../store/index.ts";

export interface ThrottleRule {
  limit: number;
  windowMs: number;
}

const MINUTE = 60_000;

export interface ThrottleSettings {
  signInFailuresPerAccount: ThrottleRule;
  signInFailuresPerAddress: ThrottleRule;
  signUpPerAddress: ThrottleRule;
  /** Password reset and verification-link requests from one client address. */
  emailRequestsPerAddress: ThrottleRule;
  /** Reset and verification e-mails to one mailbox; beyond it requests are dropped without a sign. */
  emailsPerRecipient: ThrottleRule;
}

export const DEFAULT_THROTTLES: ThrottleSettings = {
  signInFailuresPerAccount: { limit: 5, windowMs: 15 * MINUTE },
  signInFailuresPerAddress: { limit: 20, windowMs: 15 * MINUTE },
  signUpPerAddress: { limit: 20, windowMs: 60 * MINUTE },
  emailRequestsPerAddress: { limit: 20, windowMs: 60 * MINUTE },
  emailsPerRecipient: { limit: 5, windowMs: 60 * MINUTE },
};

async function settle(d: WindowDecision | Promise<WindowDecision>): Promise<WindowDecision> {
  return isPromise(d) ? await d : d;
}

/** 429 with Retry-After in whole seconds, never 0. */
export function rateLimited(retryAfterMs: number, what: string): PorticoError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new PorticoError(ErrorCode.RATE_LIMITED, `Too many ${what}. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, {
    headers: { "Retry-After": String(seconds) },
  });
}

export class Throttles {
  readonly #counters: CounterStore;
  readonly #settings: ThrottleSettings;
  readonly #now: () => number;

  constructor(counters: CounterStore, settings: ThrottleSettings = DEFAULT_THROTTLES, now: () => number = Date.now) {
    this.#counters = counters;
    this.#settings = settings;
    this.#now = now;
  }

  /** How long until one more failure would fit, or null when it fits now; records nothing. */
  async #full(key: string, rule: ThrottleRule): Promise<number | null> {
    const d = await settle(this.#counters.peekSliding(key, 1, rule.limit, rule.windowMs, this.#now()));
    return d.allowed ? null : Math.max(1, d.retryAfterMs);
  }

  async #hit(key: string, rule: ThrottleRule): Promise<WindowDecision> {
    return settle(this.#counters.consumeSliding(key, 1, rule.limit, rule.windowMs, this.#now()));
  }

  /** Throws 429 when the account or the address has used up its failures. */
  async checkSignIn(email: string, ip: string): Promise<void> {
    const s = this.#settings;
    const waits = await Promise.all([
      this.#full(`portico:signin-fail:account:${normalizeEmail(email)}`, s.signInFailuresPerAccount),
      this.#full(`portico:signin-fail:ip:${ip}`, s.signInFailuresPerAddress),
    ]);
    const wait = Math.max(...waits.map((w) => w ?? 0));
    if (wait > 0) throw rateLimited(wait, "failed sign-in attempts");
  }

  async recordSignInFailure(email: string, ip: string): Promise<void> {
    const s = this.#settings;
    await this.#hit(`portico:signin-fail:account:${normalizeEmail(email)}`, s.signInFailuresPerAccount);
    await this.#hit(`portico:signin-fail:ip:${ip}`, s.signInFailuresPerAddress);
  }

  async signUp(ip: string): Promise<void> {
    const d = await this.#hit(`portico:signup:ip:${ip}`, this.#settings.signUpPerAddress);
    if (!d.allowed) throw rateLimited(d.retryAfterMs, "sign-ups from your address");
  }

  /** Reset and "send the link again": per client address, answered with 429. */
  async emailRequest(ip: string): Promise<void> {
    const d = await this.#hit(`portico:email-request:ip:${ip}`, this.#settings.emailRequestsPerAddress);
    if (!d.allowed) throw rateLimited(d.retryAfterMs, "requests from your address");
  }

  /** Per mailbox: false means "do not send", and the caller answers as if it had. */
  async mayEmail(kind: string, email: string): Promise<boolean> {
    const d = await this.#hit(`portico:email:${kind}:${normalizeEmail(email)}`, this.#settings.emailsPerRecipient);
    return d.allowed;
  }
}
