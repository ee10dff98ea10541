import { describe, expect, it } from "vitest";
import { hmacKeyHasher, KeyCache, type StoredKeyEntry } from "./key-cache.ts";

const hash = hmacKeyHasher("test-secret");
const keys = (id: string, product = "basic", expiresAt: number | null = null): StoredKeyEntry[] => [
  { hash: hash(`${id}-primary`), slot: "primary", subscriptionId: id, productId: product, userId: "u1", expiresAt },
  { hash: hash(`${id}-secondary`), slot: "secondary", subscriptionId: id, productId: product, userId: "u1", expiresAt },
];

describe("KeyCache", () => {
  it("finds a subscription by either key", () => {
    const cache = new KeyCache(hash);
    cache.replaceAll([...keys("s1"), ...keys("s2", "premium")]);
    expect(cache.lookup("s1-primary")).toEqual({ subscriptionId: "s1", productId: "basic", userId: "u1", expiresAt: null });
    expect(cache.lookup("s2-secondary")?.productId).toBe("premium");
    expect(cache.lookup("nope")).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it("forgets the old key at once when a key is regenerated", () => {
    const cache = new KeyCache(hash);
    cache.replaceAll(keys("s1"));
    const [, secondary] = keys("s1");
    cache.setSubscription("s1", [{ ...keys("s1")[0]!, hash: hash("s1-new") }, secondary!]);
    expect(cache.lookup("s1-primary")).toBeUndefined();
    expect(cache.lookup("s1-new")?.subscriptionId).toBe("s1");
    expect(cache.lookup("s1-secondary")?.subscriptionId).toBe("s1");
  });

  it("stops both keys when a subscription is removed or set to no keys", () => {
    const cache = new KeyCache(hash);
    cache.replaceAll([...keys("s1"), ...keys("s2")]);
    const v = cache.version;
    cache.remove("s1");
    expect(cache.lookup("s1-primary")).toBeUndefined();
    expect(cache.lookup("s1-secondary")).toBeUndefined();
    expect(cache.version).toBe(v + 1);
    cache.remove("s1");
    expect(cache.version).toBe(v + 1);
    cache.setSubscription("s2", []);
    expect(cache.lookup("s2-primary")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("refuses a key past its subscription's expiry", () => {
    const cache = new KeyCache(hash);
    cache.replaceAll(keys("s1", "basic", 1_000));
    expect(cache.lookup("s1-primary", 999)?.subscriptionId).toBe("s1");
    expect(cache.lookup("s1-primary", 1_000)).toBeUndefined();
  });

  it("round-trips its entries for a snapshot, keyed by HMAC, never by the key", () => {
    const cache = new KeyCache(hash);
    cache.replaceAll(keys("s1"));
    expect(cache.entries()).toEqual(keys("s1"));
    expect(JSON.stringify(cache.entries())).not.toContain("s1-primary");
    expect(hash("x")).toMatch(/^[0-9a-f]{64}$/);
    expect(hmacKeyHasher("other")("x")).not.toBe(hash("x"));
  });
});
