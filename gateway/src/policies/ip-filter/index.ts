/** ip-filter: the list is compiled into one matcher (ip-match.ts) when the configuration loads. */
import { ErrorCode } from "../../errors.ts";
import { compileIpMatcher } from "../../gateway/ip-match.ts";
import { fail, makeStep, type PolicyDefinition } from "../types.ts";
import { ipFilterPolicy } from "./schema.ts";

export const priority = ipFilterPolicy.priority;

export const IP_FORBIDDEN_MESSAGE = "The caller's IP address is not allowed to call this API.";

export const definition: PolicyDefinition<typeof ipFilterPolicy.schema> = {
  ...ipFilterPolicy,
  create(options, ctx) {
    const matches = compileIpMatcher(options.addresses, "ip-filter addresses");
    const allowList = options.action === "allow";
    return makeStep(ctx, "ip-filter", function ipFilter(ex) {
      return matches(ex.clientIp) === allowList ? undefined : fail("ip-filter", "CallerIpNotAllowed", ErrorCode.IP_FORBIDDEN, IP_FORBIDDEN_MESSAGE);
    });
  },
};
