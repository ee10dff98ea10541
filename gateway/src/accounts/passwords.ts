/**
 * Password hashing with argon2id (`@node-rs/argon2`), at the parameters
 * OWASP recommends as a minimum: 19 MiB of memory, 2 passes, 1 lane. The PHC
 * string that `hash` returns carries its parameters, so raising them later
 * keeps old hashes verifiable.
 */
import { hash, verify, type Algorithm } from "@node-rs/argon2";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

// `Algorithm` is a const enum in an ambient declaration, which erasable
// TypeScript cannot read at run time; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm.Argon2id;

export const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password and for a hash that is not a valid PHC string. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no account (or no
 * password) to check, so that "no such e-mail" and "wrong password" take
 * about as long and cannot be told apart by timing.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("portico: there is no account behind this address");
  await verifyPassword(await dummyHash, password);
  return false;
}
