/**
 * The content model: what the portal build, the service and the CLI import.
 * Everything a content folder becomes is in `catalog.ts`; `loadCatalog()`
 * builds it, `runValidate()` is `portico validate`.
 */
export * from "./catalog.ts";
export { loadCatalog, contentVersion, docSlug, type LoadOptions } from "./loader.ts";
export { formatProblems, runValidate, type ValidateOptions } from "./validate.ts";
export { formatProblem, sortProblems, hasErrors } from "./problems.ts";
export { substituteEnv, type Env } from "./env.ts";
export { parseWithFriendlyErrors, type FriendlyOptions, type FriendlyResult } from "./friendly.ts";
export { loadDefinition, extractOperations, derivedOperationId, type LoadedDefinition } from "./openapi.ts";
export { emptyPolicyDocument, resolvePolicyDocument } from "./policies.ts";
export * as schemas from "./schemas.ts";
