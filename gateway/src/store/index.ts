/**
 * The store: the only code that talks to the database. Everything else
 * imports from here.
 */
export * from "./db.ts";
export * from "./outcome.ts";
export * from "./secrets.ts";
export * from "./key-crypto.ts";
export { newId, newToken, hashToken } from "./ids.ts";
export * from "./users.ts";
export * from "./sessions.ts";
export * from "./tokens.ts";
export * from "./groups.ts";
export * from "./subscriptions.ts";
export * from "./usage.ts";
export * from "./audit.ts";
export {
  USER_STATES,
  TOKEN_KINDS,
  SUBSCRIPTION_STATES,
  ACTOR_KINDS,
  type UserState,
  type TokenKind,
  type SubscriptionState,
  type ActorKind,
} from "./schema.ts";
