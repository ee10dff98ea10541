import { describe, expect, it } from "vitest";
import { decryptKey, encodeBase58, encryptKey, hashKey, isWellFormedKey, keyStart, newKey } from "./key-crypto.ts";
import { testSecrets } from "./test-helpers.ts";

const secrets = testSecrets();

describe("newKey", () => {
  it("makes `<prefix>_<33 base58 characters>` keys whose parts agree", () => {
    const { key, hash, encrypted, start } = newKey("dfly", secrets);
    expect(key).toMatch(/^dfly_[1-9A-HJ-NP-Za-km-z]{33}$/);
    expect(isWellFormedKey(key)).toBe(true);
    expect(hash).toBe(hashKey(key, secrets));
    expect(start).toBe(key.slice(0, 9));
    expect(encrypted).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(decryptKey(encrypted, secrets)).toEqual({ ok: true, key });
  });

  it("never repeats a key, and encrypts the same key differently each time (random IV)", () => {
    const keys = new Set(Array.from({ length: 2000 }, () => newKey("p", secrets).key));
    expect(keys.size).toBe(2000);
    for (const key of keys) expect(isWellFormedKey(key), key).toBe(true);
    const { key } = newKey("p", secrets);
    const [x, y] = [encryptKey(key, secrets), encryptKey(key, secrets)];
    expect(x).not.toBe(y);
    expect(decryptKey(x, secrets)).toEqual(decryptKey(y, secrets));
  });

  it("accepts prefixes of 1 to 16 lower-case letters and digits, and nothing else", () => {
    expect(() => newKey("a", secrets)).not.toThrow();
    expect(() => newKey("abcdefghij012345", secrets)).not.toThrow();
    for (const bad of ["", "abcdefghij0123456", "Dfly", "df_ly", "df-ly", "dfly ", "dfly\n"]) {
      expect(() => newKey(bad, secrets), JSON.stringify(bad)).toThrow(/Invalid key prefix/);
    }
  });
});

describe("isWellFormedKey and keyStart", () => {
  it("recognise the shape only", () => {
    expect(isWellFormedKey("dfly_" + "1".repeat(33))).toBe(true);
    expect(isWellFormedKey("dfly_" + "1".repeat(32))).toBe(false);
    expect(isWellFormedKey("dfly_" + "0".repeat(33))).toBe(false);
    expect(isWellFormedKey("DFLY_" + "1".repeat(33))).toBe(false);
    expect(isWellFormedKey("")).toBe(false);
    expect(keyStart("dfly_4Jc9abcdef")).toBe("dfly_4Jc9");
  });
});

describe("encodeBase58", () => {
  it("matches the Bitcoin alphabet's known vectors", () => {
    const hex = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
    expect(encodeBase58(new Uint8Array())).toBe("");
    expect(encodeBase58(hex("00"))).toBe("1");
    expect(encodeBase58(hex("0000287fb4cd"))).toBe("11233QC4");
    expect(encodeBase58(Buffer.from("Hello World!"))).toBe("2NEpo7TZRRrLZSi2U");
    expect(encodeBase58(hex("ffffffff"))).toBe("7YXq9G");
  });
});
