import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness.ts";

const exec = promisify(execFile);

/** `portico validate` as a publisher's CI runs it. */
async function validate(dir: string): Promise<{ code: number; lines: string[] }> {
  const args = [path.join(ROOT, "gateway/src/cli.ts"), "validate", dir, "--themes", "test/fixtures/content-min/themes"];
  try {
    const { stdout } = await exec(process.execPath, args, { cwd: ROOT });
    return { code: 0, lines: stdout.trimEnd().split("\n") };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, lines: e.stdout.trimEnd().split("\n") };
  }
}

const KNOWN =
  "cache-lookup, cache-store, check-header, choose, cors, forward-request, ip-filter, json-to-xml, limit-concurrency, mock-response, quota, quota-by-key, rate-limit, rate-limit-by-key, retry, return-response, rewrite-uri, set-backend-service, set-header, set-query-parameter, set-variable, validate-content, validate-jwt, xml-to-json";

describe("portico validate: policies", () => {
  it("names the file, line and column of an unknown policy, an unknown option, a bad CEL expression and a policy in the wrong section, and exits 1", async () => {
    const dir = "test/fixtures/content-broken/policies";
    expect(await validate(dir)).toEqual({
      code: 1,
      lines: [
        `${dir}/apis/status/policies.yaml:3:5: unknown policy 'ratelimit-by-key' (did you mean 'rate-limit-by-key'?); known policies: ${KNOWN}`,
        `${dir}/apis/status/policies.yaml:11:23: operations.getHealth.inbound[1].rate-limit-by-key.counterKey is not a valid CEL expression: No such key: ipaddress (at character 9)`,
        `${dir}/apis/status/policies.yaml:12:31: operations.getHealth.inbound[1].rate-limit-by-key.incrementCondition is not a valid CEL condition: Unexpected token: EOF (at character 26)`,
        `${dir}/policies/global.yaml:2:38: unknown key 'allowOrigins' in inbound[0].cors (did you mean 'allowedOrigins'?); allowed keys: allowedOrigins, allowPortalOrigin, allowedMethods, allowedHeaders, exposeHeaders, allowCredentials, maxAge, terminateUnmatched`,
        `${dir}/policies/global.yaml:4:5: policy 'cache-lookup' cannot run in outbound; it works in inbound`,
        `${dir}/products/basic.md:11:24: policies.inbound[1].choose.when[0].condition is not a valid CEL condition: no such overload: string == int (at character 1)`,
        `${dir}/products/basic.md:13:58: policies.inbound[1].choose.when[0].policies[0].set-header.colour is not an option of set-header; allowed keys: name, value, exists`,
        `7 errors in ${dir}`,
      ],
    });
  });

  it("accepts the demo's policies", async () => {
    const result = await validate("content");
    expect(result.code).toBe(0);
    expect(result.lines).toEqual([expect.stringMatching(/^content is valid: 3 APIs, 4 products, \d+ docs pages$/)]);
  });
});
