import { describe, expect, it } from "vitest";
import { MemoryCounterStore } from "../counters/memory.ts";
import { PorticoError } from "../errors.ts";
import { Throttles } from "./throttle.ts";

function throttles(now: { t: number }) {
  const rule = (limit: number) => ({ limit, windowMs: 60_000 });
  return new Throttles(
    new MemoryCounterStore({ now: () => now.t }),
    {
      signInFailuresPerAccount: rule(3),
      signInFailuresPerAddress: rule(5),
      signUpPerAddress: rule(2),
      emailRequestsPerAddress: rule(2),
      emailsPerRecipient: rule(1),
    },
    () => now.t,
  );
}

async function refusal(p: Promise<unknown>): Promise<PorticoError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PorticoError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("throttles", () => {
  it("lets sign-in through until an account has used its failures, then refuses even the right password until the oldest failure leaves the window", async () => {
    const now = { t: 1_000_000 };
    const t = throttles(now);
    for (let i = 0; i < 3; i++) {
      await t.checkSignIn("Ada@Example.com", "10.0.0.1");
      await t.recordSignInFailure("ada@example.com", "10.0.0.1");
      now.t += 1_000;
    }
    const err = await refusal(t.checkSignIn("ada@example.com", "10.0.0.2"));
    expect(err.code).toBe("RATE_LIMITED");
    expect(err.status).toBe(429);
    // The first failure was at 1_000_000; it leaves the window at 1_060_000; now is 1_003_000.
    expect(err.headers).toEqual({ "Retry-After": "57" });
    now.t = 1_060_001;
    await t.checkSignIn("ada@example.com", "10.0.0.2");
  });

  it("counts failures per address across accounts", async () => {
    const now = { t: 5_000_000 };
    const t = throttles(now);
    for (let i = 0; i < 5; i++) await t.recordSignInFailure(`user${i}@example.com`, "10.0.0.9");
    expect((await refusal(t.checkSignIn("someone-else@example.com", "10.0.0.9"))).code).toBe("RATE_LIMITED");
    await t.checkSignIn("someone-else@example.com", "10.0.0.10");
  });

  it("does not count successful sign-ins (checks record nothing)", async () => {
    const now = { t: 9_000_000 };
    const t = throttles(now);
    for (let i = 0; i < 20; i++) await t.checkSignIn("busy@example.com", "10.0.0.3");
  });

  it("limits sign-ups and e-mail requests per address with 429, and e-mails per mailbox silently", async () => {
    const now = { t: 2_000_000 };
    const t = throttles(now);
    await t.signUp("10.0.0.4");
    await t.signUp("10.0.0.4");
    expect((await refusal(t.signUp("10.0.0.4"))).headers?.["Retry-After"]).toBe("60");
    await t.emailRequest("10.0.0.4");
    await t.emailRequest("10.0.0.4");
    expect((await refusal(t.emailRequest("10.0.0.4"))).code).toBe("RATE_LIMITED");
    expect(await t.mayEmail("reset", "Ada@example.com")).toBe(true);
    expect(await t.mayEmail("reset", "ada@example.com")).toBe(false);
    expect(await t.mayEmail("verify", "ada@example.com")).toBe(true);
  });
});
