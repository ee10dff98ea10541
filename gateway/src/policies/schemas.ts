/**
 * Every policy's options schema, registered on import: the loader imports
 * this module, so `portico validate` knows every policy without loading a
 * single handler. Handlers are collected in `index.ts`.
 */
export { POLICY_NAME, policyOptionSchemas, policySections, registerPolicySchema, type PolicyOptions, type PolicySchemaRegistry } from "./registry.ts";
import "./cors/schema.ts";
import "./ip-filter/schema.ts";
import "./validate-jwt/schema.ts";
import "./check-header/schema.ts";
import "./rate-limit/schema.ts";
import "./rate-limit-by-key/schema.ts";
import "./quota/schema.ts";
import "./quota-by-key/schema.ts";
import "./limit-concurrency/schema.ts";
import "./validate-content/schema.ts";
import "./cache-lookup/schema.ts";
import "./mock-response/schema.ts";
import "./return-response/schema.ts";
import "./set-variable/schema.ts";
import "./choose/schema.ts";
import "./set-header/schema.ts";
import "./set-query-parameter/schema.ts";
import "./rewrite-uri/schema.ts";
import "./set-backend-service/schema.ts";
import "./json-to-xml/schema.ts";
import "./xml-to-json/schema.ts";
import "./forward-request/schema.ts";
import "./retry/schema.ts";
import "./cache-store/schema.ts";
