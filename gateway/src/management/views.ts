/**
 * Rows and catalog entries as the management API shows them. Dates become
 * ISO strings; nothing secret (hashes, ciphertexts, tokens) has a field.
 */
import type { z } from "@hono/zod-openapi";
import type { Auth } from "../accounts/session-manager.ts";
import { canSeeApi, canSeeProduct, isAdministrator, visibleProductsOfApi, type Groups } from "../accounts/visibility.ts";
import type { Api, Catalog, Product } from "../model/catalog.ts";
import type { AuditEntry, Session, Subscription, User } from "../store/index.ts";
import type {
  AdminSubscriptionSchema,
  AdminUserSchema,
  ApiDetailSchema,
  ApiSchema,
  AuditEntrySchema,
  MeSchema,
  ProductDetailSchema,
  ProductSchema,
  SessionSchema,
  SubscriptionSchema,
} from "./schemas.ts";

export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

export function meView(auth: Auth): z.infer<typeof MeSchema> {
  const u = auth.user;
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    emailVerified: u.emailVerifiedAt !== null,
    customFields: u.customFields,
    groups: [...auth.groups].sort(),
    administrator: auth.administrator,
    hasPassword: u.passwordHash !== null,
    oidcLinked: u.oidcSubject !== null,
    createdAt: iso(u.createdAt),
    lastSignInAt: iso(u.lastSignInAt),
  };
}

export function adminUserView(u: User, memberships: string[]): z.infer<typeof AdminUserSchema> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    state: u.state,
    emailVerified: u.emailVerifiedAt !== null,
    groups: memberships,
    customFields: u.customFields,
    oidcLinked: u.oidcSubject !== null,
    createdAt: iso(u.createdAt),
    lastSignInAt: iso(u.lastSignInAt),
  };
}

export function sessionView(s: Session, currentId: string): z.infer<typeof SessionSchema> {
  return {
    id: s.id,
    current: s.id === currentId,
    createdAt: iso(s.createdAt),
    lastSeenAt: iso(s.lastSeenAt),
    expiresAt: iso(s.expiresAt),
    ip: s.ip,
    userAgent: s.userAgent,
  };
}

export function productView(p: Product, catalog: Catalog, groups: Groups): z.infer<typeof ProductSchema> {
  const view: z.infer<typeof ProductSchema> = {
    id: p.id,
    title: p.title,
    summary: p.summary,
    state: p.state,
    subscriptionRequired: p.subscriptionRequired,
    approvalRequired: p.approvalRequired,
    subscriptionsLimit: p.subscriptionsLimit,
    hasTerms: p.terms !== null,
    apis: p.apis.filter((id) => {
      const api = catalog.apis[id];
      return api !== undefined && canSeeApi(api, groups);
    }),
    order: p.order,
  };
  if (isAdministrator(groups)) view.groups = [...p.groups];
  return view;
}

export function productDetailView(p: Product, catalog: Catalog, groups: Groups): z.infer<typeof ProductDetailSchema> {
  return { ...productView(p, catalog, groups), body: p.body, terms: p.terms };
}

export function apiView(a: Api, catalog: Catalog, groups: Groups): z.infer<typeof ApiSchema> {
  return {
    id: a.id,
    title: a.title,
    description: a.description,
    path: a.path,
    tags: a.tags,
    tryIt: a.tryIt,
    subscriptionRequired: a.subscription.required,
    keyHeader: a.subscription.header,
    keyQuery: a.subscription.query,
    versions: a.versions.map((v) => ({ id: v.id, deprecated: v.deprecated })),
    products: visibleProductsOfApi(catalog, a, groups).map((p) => p.id),
  };
}

export function apiDetailView(a: Api, catalog: Catalog, groups: Groups, gatewayUrl: string): z.infer<typeof ApiDetailSchema> {
  return {
    ...apiView(a, catalog, groups),
    gatewayUrl,
    versions: a.versions.map((v) => ({
      id: v.id,
      deprecated: v.deprecated,
      operations: v.operations.map((o) => ({ id: o.id, method: o.method.toUpperCase(), path: o.path, summary: o.summary, deprecated: o.deprecated })),
    })),
  };
}

export function subscriptionView(s: Subscription, catalog: Catalog): z.infer<typeof SubscriptionSchema> {
  return {
    id: s.id,
    name: s.name,
    productId: s.productId,
    productTitle: catalog.products[s.productId]?.title ?? s.productId,
    state: s.state,
    stateComment: s.stateComment,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    activatedAt: iso(s.activatedAt),
    cancelledAt: iso(s.cancelledAt),
    expiresAt: iso(s.expiresAt),
    termsAcceptedAt: iso(s.termsAcceptedAt),
    primaryKeyStart: s.primaryKeyStart,
    secondaryKeyStart: s.secondaryKeyStart,
  };
}

export function adminSubscriptionView(s: Subscription, catalog: Catalog, users: Map<string, User>): z.infer<typeof AdminSubscriptionSchema> {
  const u = s.userId === null ? undefined : users.get(s.userId);
  return { ...subscriptionView(s, catalog), user: u === undefined ? null : { id: u.id, email: u.email, name: u.name } };
}

export function auditView(e: AuditEntry): z.infer<typeof AuditEntrySchema> {
  return {
    id: e.id,
    at: iso(e.at),
    actorKind: e.actorKind,
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    data: e.data,
  };
}

/** The product when the caller may see it; a hidden product and a missing one are alike (undefined). */
export function visibleProduct(catalog: Catalog, id: string, groups: Groups): Product | undefined {
  const p = Object.hasOwn(catalog.products, id) ? catalog.products[id] : undefined;
  return p !== undefined && canSeeProduct(p, groups) ? p : undefined;
}

export function visibleApi(catalog: Catalog, id: string, groups: Groups): Api | undefined {
  const a = Object.hasOwn(catalog.apis, id) ? catalog.apis[id] : undefined;
  return a !== undefined && canSeeApi(a, groups) ? a : undefined;
}
