import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./passwords.ts";

describe("passwords", () => {
  it("hashes with argon2id, 19 MiB and 2 passes, and verifies", async () => {
    const hash = await hashPassword("correct horse battery staple");
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword(hash, "correct horse battery staple")).toBe(true);
    expect(await verifyPassword(hash, "correct horse battery stapl")).toBe(false);
  });

  it("salts: the same password hashes differently twice", async () => {
    expect(await hashPassword("same password here")).not.toBe(await hashPassword("same password here"));
  });

  it("treats a malformed stored hash as a wrong password rather than throwing", async () => {
    expect(await verifyPassword("not a phc string", "whatever password")).toBe(false);
  });

  it("spends a verification's time when there is no account, and never succeeds", async () => {
    expect(await verifyAgainstDummy("portico: there is no account behind this address")).toBe(false);
  });
});
