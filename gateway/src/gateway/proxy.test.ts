import { describe, expect, it } from "vitest";
import { connectionListed, isHopByHop } from "./proxy.ts";

describe("Connection-listed headers", () => {
  it("lists the names a Connection header makes hop-by-hop, and none for keep-alive or close alone", () => {
    for (const plain of [undefined, "keep-alive", "close", "Keep-Alive", " close ", "CLOSE"]) expect(connectionListed(plain)).toBeUndefined();
    expect(connectionListed("keep-alive, X-Secret")).toEqual(new Set(["x-secret"]));
    expect(connectionListed(["close", "X-A,  x-b "])).toEqual(new Set(["x-a", "x-b"]));
    expect(connectionListed("keep-alive, close")).toBeUndefined();
    const listed = connectionListed("Upgrade, X-Trace");
    expect([isHopByHop("x-trace", listed), isHopByHop("upgrade", listed), isHopByHop("accept", listed)]).toEqual([true, true, false]);
  });
});
