/**
 * `portico admin`: the first administrator and scripting, straight on the
 * store in the data folder (the same PORTICO_* settings as `portico serve`).
 * A running service notices changes made here within a couple of seconds
 * (it follows the audit log; see housekeeping.ts), so an approval from the
 * command line makes the keys work in its gateway without a restart.
 */
import { ConfigurationError, readConfig, type ServiceConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import type { Catalog } from "../model/catalog.ts";
import { loadCatalog } from "../model/loader.ts";
import { formatProblems } from "../model/validate.ts";
import {
  addGroupMember,
  appendAudit,
  createOneTimeToken,
  createUser,
  findGroup,
  findUserByEmail,
  findUserById,
  listSubscriptions,
  openStore,
  SUBSCRIPTION_STATES,
  withTransaction,
  type Store,
  type SubscriptionState,
} from "../store/index.ts";
import { createMailer } from "./email/mailer.ts";
import { invitation } from "./email/templates.ts";
import { usersByIds } from "./memberships.ts";
import { Notifier } from "./notifier.ts";
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./passwords.ts";
import { decideSubscription, type Actor } from "./subscription-actions.ts";

export const ADMIN_USAGE = "portico admin <create-user|add-to-group|list-subscriptions|approve|reject> …";

type Values = Record<string, string | boolean | string[] | undefined>;

class UsageError extends Error {}

const CLI: Actor = { kind: "cli", id: null };
const COMMANDS = ["create-user", "add-to-group", "list-subscriptions", "approve", "reject"];

interface Env {
  config: ServiceConfig;
  store: Store;
  catalog: Catalog;
  notifier: Notifier;
  out: (line: string) => void;
}

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

async function createUserCommand(env: Env, args: string[], values: Values): Promise<number> {
  const [email] = args;
  if (email === undefined || args.length !== 1) throw new UsageError("create-user needs one e-mail address");
  const groups = new Set<string>((values.group as string[] | undefined) ?? []);
  if (values.admin === true) groups.add("administrators");
  for (const g of groups) {
    if (g === "guests" || g === "developers") throw new UsageError(`everyone is in "${g}"; members cannot be added to it`);
    if (!Object.hasOwn(env.catalog.groups, g) && (await findGroup(env.store, g)) === null) throw new UsageError(`there is no group "${g}"`);
  }
  let passwordHash: string | null = null;
  if (values["password-stdin"] === true) {
    const password = await readPasswordFromStdin();
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw new UsageError(`the password must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
    }
    passwordHash = await hashPassword(password);
  }
  const now = new Date();
  const result = await withTransaction(env.store, async (tx) => {
    const created = await createUser(tx, {
      email,
      name: (values.name as string | undefined) ?? "",
      passwordHash,
      state: passwordHash === null ? "invited" : "active",
      emailVerifiedAt: passwordHash === null ? null : now,
    });
    if (!created.ok) return created;
    for (const groupId of groups) await addGroupMember(tx, { groupId, userId: created.user.id });
    await appendAudit(tx, { actorKind: "cli", action: passwordHash === null ? "user.invite" : "user.create", targetType: "user", targetId: created.user.id, data: { groups: [...groups] } });
    const invite = passwordHash === null ? await createOneTimeToken(tx, { kind: "invite", userId: created.user.id, email: created.user.email, ttlMs: 2 * 24 * 3600_000 }) : null;
    return { ok: true as const, user: created.user, invite };
  });
  if (!result.ok) {
    process.stderr.write(`portico admin: ${result.message}\n`);
    return 1;
  }
  if (result.invite !== null) {
    const token = result.invite.token;
    const sent = await env.notifier.send(result.user.email, (brand) => invitation(brand, { name: result.user.name || undefined, token }));
    env.out(`invited ${result.user.email} (user ${result.user.id})${sent ? `; the invitation went to ${env.notifier.mailer.kind === "outbox" ? "the outbox" : "the mail server"}` : "; the invitation e-mail could not be sent"}`);
  } else {
    env.out(`created ${result.user.email} (user ${result.user.id})${groups.size > 0 ? ` in ${[...groups].join(", ")}` : ""}`);
  }
  return 0;
}

async function addToGroupCommand(env: Env, args: string[]): Promise<number> {
  const [who, group] = args;
  if (who === undefined || group === undefined || args.length !== 2) throw new UsageError("add-to-group needs a user (e-mail or id) and a group");
  if (group === "guests" || group === "developers") throw new UsageError(`everyone is in "${group}"; members cannot be added to it`);
  if (!Object.hasOwn(env.catalog.groups, group) && (await findGroup(env.store, group)) === null) throw new UsageError(`there is no group "${group}"`);
  const user = who.includes("@") ? await findUserByEmail(env.store, who) : await findUserById(env.store, who);
  if (user === null || user.deletedAt !== null) {
    process.stderr.write(`portico admin: no user ${who}\n`);
    return 1;
  }
  const result = await withTransaction(env.store, async (tx) => {
    const r = await addGroupMember(tx, { groupId: group, userId: user.id });
    if (r.ok && r.added) await appendAudit(tx, { actorKind: "cli", action: "group.member.add", targetType: "user", targetId: user.id, data: { group } });
    return r;
  });
  env.out(result.ok && result.added ? `added ${user.email} to ${group}` : `${user.email} already is in ${group}`);
  return 0;
}

async function listSubscriptionsCommand(env: Env, args: string[], values: Values): Promise<number> {
  if (args.length > 0) throw new UsageError("list-subscriptions takes no arguments");
  const state = values.state as string | undefined;
  if (state !== undefined && !(SUBSCRIPTION_STATES as readonly string[]).includes(state)) {
    throw new UsageError(`--state must be one of ${SUBSCRIPTION_STATES.join(", ")}`);
  }
  const { subscriptions } = await listSubscriptions(env.store, { state: state as SubscriptionState | undefined, limit: 1000, order: "oldest" });
  const users = await usersByIds(env.store, subscriptions.flatMap((s) => (s.userId === null ? [] : [s.userId])));
  const rows = subscriptions.map((s) => ({
    id: s.id,
    state: s.state,
    product: s.productId,
    user: s.userId === null ? "" : (users.get(s.userId)?.email ?? s.userId),
    name: s.name,
    created: s.createdAt.toISOString(),
  }));
  if (values.json === true) {
    env.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    env.out(state ? `no ${state} subscriptions` : "no subscriptions");
    return 0;
  }
  const columns = ["id", "state", "product", "user", "name", "created"] as const;
  const width = Object.fromEntries(columns.map((c) => [c, Math.max(c.length, ...rows.map((r) => r[c].length))]));
  env.out(columns.map((c) => c.toUpperCase().padEnd(width[c]!)).join("  ").trimEnd());
  for (const r of rows) env.out(columns.map((c) => r[c].padEnd(width[c]!)).join("  ").trimEnd());
  return 0;
}

async function decideCommand(env: Env, decision: "approve" | "reject", args: string[], values: Values): Promise<number> {
  const [id] = args;
  if (id === undefined || args.length !== 1) throw new UsageError(`${decision} needs one subscription id`);
  const reason = (values.reason as string | undefined)?.trim();
  if (decision === "reject" && !reason) throw new UsageError("reject needs --reason: the subscriber reads it");
  const result = await decideSubscription(
    {
      store: env.store,
      catalog: () => env.catalog,
      notifier: env.notifier,
      logger: createLogger({ stream: process.stderr, level: "warn" }),
      // The running service follows the audit log and refreshes these keys itself.
      subscriptionChanged: async () => {},
    },
    { id, decision, actor: CLI, reason: reason ?? null },
  );
  if (!result.ok) {
    process.stderr.write(`portico admin: ${result.message}\n`);
    return 1;
  }
  env.out(`${decision === "approve" ? "approved" : "rejected"} ${id} (${result.subscription.productId}, "${result.subscription.name}"); the subscriber was e-mailed`);
  return 0;
}

export async function runAdmin(values: Values, positionals: string[], out: (line: string) => void = (l) => process.stdout.write(l + "\n")): Promise<number> {
  const [command, ...args] = positionals;
  let config: ServiceConfig;
  try {
    config = readConfig();
  } catch (err) {
    if (err instanceof ConfigurationError) {
      process.stderr.write(`portico admin: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (command === undefined || !COMMANDS.includes(command)) {
    process.stderr.write(`portico admin: ${command === undefined ? "name a command" : `unknown command "${command}"`}\nUsage: ${ADMIN_USAGE}\n`);
    return 2;
  }
  const loaded = await loadCatalog(config.contentDir, { themesDir: config.themesDir, env: process.env });
  if (!loaded.catalog) {
    process.stderr.write(`portico admin: the content has errors:\n${formatProblems(loaded.problems)}\n`);
    return 1;
  }
  const catalog = loaded.catalog;
  const store = await openStore({ dataDir: config.dataDir, url: config.dbUrl, authToken: config.dbToken });
  const logger = createLogger({ stream: process.stderr, level: "warn" });
  const mailer = createMailer({ dataDir: config.dataDir, smtpUrl: config.smtpUrl, logger });
  const notifier = new Notifier({ mailer, catalog: () => catalog, portalUrl: () => catalog.portal.url ?? `http://localhost:${config.controlPort}` });
  const env: Env = { config, store, catalog, notifier, out };
  try {
    switch (command) {
      case "create-user":
        return await createUserCommand(env, args, values);
      case "add-to-group":
        return await addToGroupCommand(env, args);
      case "list-subscriptions":
        return await listSubscriptionsCommand(env, args, values);
      case "approve":
      case "reject":
        return await decideCommand(env, command, args, values);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`portico admin: ${err.message}\nUsage: ${ADMIN_USAGE}\n`);
      return 2;
    }
    throw err;
  } finally {
    await mailer.close();
    await store.close();
  }
}
