/**
 * The portal's typed client of the management API (`/api/v1`), for islands
 * and page scripts. Answer types come from the API's own zod schemas (type
 * imports only: nothing of the service reaches the browser bundle), so a
 * change to a route's answer shows up here as a type error.
 *
 * Every state-changing request is JSON (the origin guard refuses anything
 * else), cookies travel with every request (`credentials: "include"` when
 * the service is on another origin), and failures arrive as one `ApiError`
 * carrying the API's error code, its per-field details and, for 429, how
 * many seconds to wait.
 */
import type { z } from "@hono/zod-openapi";
import type {
  AdminSubscriptionSchema,
  AdminUserSchema,
  ApiDetailSchema,
  ApiSchema,
  GroupSchema,
  KeysSchema,
  MeSchema,
  PortalSchema,
  ProductDetailSchema,
  ProductSchema,
  SessionSchema,
  SubscriptionSchema,
  UsagePointSchema,
  UsageTotalsSchema,
} from "../../gateway/src/management/schemas.ts";
import type { MemberListSchema } from "../../gateway/src/management/routes/admin.groups.members.list.ts";
import type { AdminUserDetailSchema } from "../../gateway/src/management/routes/admin.users.get.ts";
import type { RegeneratedKeySchema } from "../../gateway/src/management/routes/subscriptions.keys.regenerate.ts";
import type { BreakdownSchema } from "../../gateway/src/management/routes/usage.breakdown.ts";
import type { UsageSchema } from "../../gateway/src/management/routes/usage.get.ts";
import { clearHint, forgetSignedOut, serviceBase, writeHint } from "./session-hint.ts";

export type Portal = z.infer<typeof PortalSchema>;
export type SignUpField = Portal["signUp"]["fields"][number];
export type Me = z.infer<typeof MeSchema>;
export type Session = z.infer<typeof SessionSchema>;
export type Product = z.infer<typeof ProductSchema>;
export type ProductDetail = z.infer<typeof ProductDetailSchema>;
export type Api = z.infer<typeof ApiSchema>;
export type ApiDetail = z.infer<typeof ApiDetailSchema>;
export type Subscription = z.infer<typeof SubscriptionSchema>;
export type SubscriptionState = Subscription["state"];
export type AdminSubscription = z.infer<typeof AdminSubscriptionSchema>;
export type Keys = z.infer<typeof KeysSchema>;
export type RegeneratedKey = z.infer<typeof RegeneratedKeySchema>;
export type KeySlot = RegeneratedKey["slot"];
export type Usage = z.infer<typeof UsageSchema>;
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;
export type UsagePoint = z.infer<typeof UsagePointSchema>;
export type Breakdown = z.infer<typeof BreakdownSchema>;
export type BreakdownRow = Breakdown["rows"][number];
export type User = z.infer<typeof AdminUserSchema>;
export type UserDetail = z.infer<typeof AdminUserDetailSchema>;
export type UserState = User["state"];
export type Group = z.infer<typeof GroupSchema>;
export type GroupMember = z.infer<typeof MemberListSchema>["members"][number];

export type UsageRange = "hour" | "day" | "7d" | "30d" | "90d";
export type UsageInterval = "minute" | "hour" | "day";
export type UsageDimension = Breakdown["by"];

export interface UsageQuery {
  subscription?: string;
  product?: string;
  api?: string;
  operation?: string;
  user?: string;
  range?: UsageRange;
  interval?: UsageInterval;
}

/** A failed call. `code` is the API's error code, or NETWORK when the service could not be reached. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Array<{ path: string; message: string }>;
  /** Seconds to wait before trying again (429), from Retry-After. */
  readonly retryAfter: number | null;
  readonly requestId: string | null;

  constructor(status: number, code: string, message: string, options: { details?: ApiError["details"]; retryAfter?: number | null; requestId?: string | null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = options.details ?? [];
    this.retryAfter = options.retryAfter ?? null;
    this.requestId = options.requestId ?? null;
  }

  /** The message for one field of a VALIDATION_FAILED answer (`customFields.company` matches `company`). */
  fieldError(field: string): string | undefined {
    return this.details.find((d) => d.path === field || d.path.endsWith(`.${field}`))?.message;
  }
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

function queryString(query: object | undefined): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s === "" ? "" : `?${s}`;
}

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const base = serviceBase();
  const headers: Record<string, string> = { accept: "application/json" };
  let payload: string | undefined;
  if (method === "POST" || method === "PATCH" || body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, { method, headers, body: payload, credentials: base === "" ? "same-origin" : "include", signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "NETWORK", "The portal's service could not be reached.");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text === "" ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (res.ok) return data as T;
  const err = (data ?? {}) as { code?: string; message?: string; details?: ApiError["details"]; requestId?: string };
  const retry = res.headers.get("retry-after");
  const code = err.code ?? (res.status >= 500 ? "INTERNAL" : "BAD_REQUEST");
  if (code === "UNAUTHENTICATED") clearHint();
  throw new ApiError(res.status, code, err.message ?? res.statusText, {
    details: err.details,
    retryAfter: retry !== null && /^\d+$/.test(retry) ? Number(retry) : null,
    requestId: err.requestId ?? res.headers.get("x-request-id"),
  });
}

const get = <T>(path: string, query?: object, signal?: AbortSignal) => request<T>("GET", path + queryString(query), undefined, signal);
const post = <T = void>(path: string, body: unknown = {}) => request<T>("POST", path, body);
const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
const del = <T = void>(path: string, body?: unknown) => request<T>("DELETE", path, body);
const id = encodeURIComponent;

/** Reads the signed-in user and refreshes the browser's sign-in hint either way. */
async function me(signal?: AbortSignal): Promise<Me> {
  const user = await get<Me>("/me", undefined, signal);
  writeHint(user.administrator);
  return user;
}

export const api = {
  portal: (signal?: AbortSignal) => get<Portal>("/portal", undefined, signal),

  // Accounts
  signUp: (body: { email: string; password: string; name: string } & Record<string, unknown>) => post<{ message: string }>("/auth/sign-up", body),
  verify: (token: string) => post("/auth/verify", { token }),
  resendVerification: (email: string) => post<{ message: string }>("/auth/verify/resend", { email }),
  async signIn(email: string, password: string): Promise<Me> {
    await post("/auth/sign-in", { email, password });
    return me();
  },
  async signOut(): Promise<void> {
    try {
      await post("/auth/sign-out");
    } finally {
      forgetSignedOut();
    }
  },
  requestPasswordReset: (email: string) => post<{ message: string }>("/auth/password-reset", { email }),
  confirmPasswordReset: (token: string, password: string) => post("/auth/password-reset/confirm", { token, password }),
  acceptInvite: (token: string, password: string, name?: string) => post("/auth/invite/accept", { token, password, ...(name ? { name } : {}) }),
  /** Where the "Sign in with …" button leads; the provider sends the browser back to `returnTo`. */
  oidcStartUrl: (startUrl: string, returnTo: string) => `${serviceBase()}${startUrl.startsWith("/") ? startUrl : `/${startUrl}`}?returnTo=${encodeURIComponent(returnTo)}`,

  me,
  updateMe: (body: { name?: string; customFields?: Record<string, unknown> }) => patch<Me>("/me", body),
  changeEmail: (email: string, password?: string) => post<{ message: string }>("/me/email", { email, ...(password ? { password } : {}) }),
  changePassword: (newPassword: string, currentPassword?: string) => post("/me/password", { newPassword, ...(currentPassword ? { currentPassword } : {}) }),
  async deleteAccount(password?: string): Promise<void> {
    await del("/me", password ? { password } : {});
    forgetSignedOut();
  },
  sessions: () => get<{ sessions: Session[] }>("/me/sessions"),
  endSession: (sessionId: string) => del(`/me/sessions/${id(sessionId)}`),

  // Catalog as the caller may see it
  products: () => get<{ products: Product[] }>("/products"),
  product: (productId: string) => get<ProductDetail>(`/products/${id(productId)}`),
  apis: () => get<{ apis: Api[] }>("/apis"),
  api: (apiId: string) => get<ApiDetail>(`/apis/${id(apiId)}`),

  // Subscriptions and keys
  subscriptions: (query?: { state?: SubscriptionState; product?: string }) => get<{ subscriptions: Subscription[] }>("/subscriptions", query),
  subscription: (subscriptionId: string) => get<Subscription>(`/subscriptions/${id(subscriptionId)}`),
  subscribe: (body: { product: string; name?: string; acceptTerms?: boolean }) => post<Subscription>("/subscriptions", body),
  renameSubscription: (subscriptionId: string, name: string) => patch<Subscription>(`/subscriptions/${id(subscriptionId)}`, { name }),
  cancelSubscription: (subscriptionId: string) => del(`/subscriptions/${id(subscriptionId)}`),
  keys: (subscriptionId: string) => get<Keys>(`/subscriptions/${id(subscriptionId)}/keys`),
  regenerateKey: (subscriptionId: string, slot: KeySlot) => post<RegeneratedKey>(`/subscriptions/${id(subscriptionId)}/keys/${slot}/regenerate`),

  // Usage
  usage: (query: UsageQuery, signal?: AbortSignal) => get<Usage>("/usage", query, signal),
  usageBreakdown: (query: UsageQuery & { by: UsageDimension; limit?: number }, signal?: AbortSignal) => get<Breakdown>("/usage/breakdown", query, signal),

  // Administration
  admin: {
    users: (query: { state?: UserState; search?: string; limit?: number; offset?: number } = {}) => get<{ users: User[]; total: number }>("/admin/users", query),
    user: (userId: string) => get<UserDetail>(`/admin/users/${id(userId)}`),
    invite: (body: { email: string; name?: string; groups?: string[] }) => post<User>("/admin/users/invite", body),
    block: (userId: string, reason?: string) => post<User>(`/admin/users/${id(userId)}/block`, reason ? { reason } : {}),
    unblock: (userId: string) => post<User>(`/admin/users/${id(userId)}/unblock`),
    deleteUser: (userId: string) => del(`/admin/users/${id(userId)}`),
    groups: () => get<{ groups: Group[] }>("/admin/groups"),
    createGroup: (body: { id: string; name: string; description?: string }) => post<Group>("/admin/groups", body),
    updateGroup: (groupId: string, body: { name?: string; description?: string }) => patch<Group>(`/admin/groups/${id(groupId)}`, body),
    deleteGroup: (groupId: string) => del(`/admin/groups/${id(groupId)}`),
    members: (groupId: string) => get<{ members: GroupMember[] }>(`/admin/groups/${id(groupId)}/members`),
    addMember: (groupId: string, userId: string) => post<{ groupId: string; userId: string; added: boolean }>(`/admin/groups/${id(groupId)}/members`, { userId }),
    removeMember: (groupId: string, userId: string) => del(`/admin/groups/${id(groupId)}/members/${id(userId)}`),
    subscriptions: (query: { state?: SubscriptionState; product?: string; user?: string; limit?: number; offset?: number } = {}) =>
      get<{ subscriptions: AdminSubscription[]; total: number }>("/admin/subscriptions", query),
    approvals: (query: { limit?: number; offset?: number } = {}) => get<{ subscriptions: AdminSubscription[]; total: number }>("/admin/approvals", query),
    approve: (subscriptionId: string, reason?: string) => post<AdminSubscription>(`/admin/subscriptions/${id(subscriptionId)}/approve`, reason ? { reason } : {}),
    reject: (subscriptionId: string, reason: string) => post<AdminSubscription>(`/admin/subscriptions/${id(subscriptionId)}/reject`, { reason }),
    suspend: (subscriptionId: string, reason?: string) => post<AdminSubscription>(`/admin/subscriptions/${id(subscriptionId)}/suspend`, reason ? { reason } : {}),
    reactivate: (subscriptionId: string, reason?: string) => post<AdminSubscription>(`/admin/subscriptions/${id(subscriptionId)}/reactivate`, reason ? { reason } : {}),
    cancel: (subscriptionId: string, reason?: string) => post<AdminSubscription>(`/admin/subscriptions/${id(subscriptionId)}/cancel`, reason ? { reason } : {}),
  },
};
