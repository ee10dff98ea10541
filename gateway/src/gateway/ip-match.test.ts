import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.ts";
import { compileIpMatcher } from "./ip-match.ts";

describe("compileIpMatcher", () => {
  it("matches exact addresses and CIDR ranges of both families", () => {
    const m = compileIpMatcher(["10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"]);
    expect(["10.1.2.3", "192.168.1.7", "fd12::1", "::1"].map(m)).toEqual([true, true, true, true]);
    expect(["11.0.0.1", "192.168.1.8", "fe80::1", "::2"].map(m)).toEqual([false, false, false, false]);
  });

  it("treats IPv4-mapped IPv6 peers as IPv4", () => {
    const m = compileIpMatcher(["127.0.0.0/8"]);
    expect(m("::ffff:127.0.0.1")).toBe(true);
    expect(m("::ffff:128.0.0.1")).toBe(false);
  });

  it("matches nothing when empty and refuses garbage in the peer", () => {
    expect(compileIpMatcher([])("127.0.0.1")).toBe(false);
    expect(compileIpMatcher(["0.0.0.0/0"])("not-an-ip")).toBe(false);
    expect(compileIpMatcher(["0.0.0.0/0"])("8.8.8.8")).toBe(true);
  });

  it("names a bad entry when compiling", () => {
    expect(() => compileIpMatcher(["10.0.0.0/33"], "ip-filter")).toThrow(new ConfigError('ip-filter: "10.0.0.0/33" has a prefix length outside 0-32'));
    expect(() => compileIpMatcher(["example.com"], "ip-filter")).toThrow('ip-filter: "example.com" is not an IP address or CIDR range');
  });
});
