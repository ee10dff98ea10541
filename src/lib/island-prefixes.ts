/** Which interface strings each kind of island receives (see island-messages.ts). */
const SHARED = ["common.", "form.", "error."] as const;

export const AUTH_MESSAGES = [...SHARED, "auth."];
export const ACCOUNT_MESSAGES = [...SHARED, "account.", "state.", "usage.", "keys."];
export const ADMIN_MESSAGES = [...SHARED, "admin.", "state.", "usage."];
export const TRYIT_MESSAGES = ["tryit."];
