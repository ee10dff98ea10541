/**
 * `portico admin` run as a real child process on the data folder of a
 * running service: the first administrator, invitations, group membership,
 * and approvals that reach the running gateway without a restart.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, gatewayStatus, signedIn, subscribeViaApi, waitForMail } from "./accounts.helpers.ts";
import { DEMO_CONTENT, ROOT, startPortico, type TestService } from "./harness.ts";

let svc: TestService;
beforeAll(async () => {
  svc = await startPortico();
});
afterAll(async () => {
  await svc?.stop();
});

function admin(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "gateway/src/cli.ts"), "admin", ...args], {
      cwd: ROOT,
      env: { ...process.env, PORTICO_DATA: svc.dataDir, PORTICO_CONTENT: DEMO_CONTENT, PORTICO_DEMO_PORT: "8090" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe("portico admin", () => {
  it("creates an administrator whose password comes from standard input", async () => {
    const run = await admin(["create-user", "cli-admin@example.com", "--name", "CLI Admin", "--admin", "--password-stdin"], "typed on stdin, not argv\n");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^created cli-admin@example\.com \(user [a-z2-7]{24}\) in administrators\n$/);
    const client = new Client(svc.controlUrl);
    expect((await client.post("/api/v1/auth/sign-in", { email: "cli-admin@example.com", password: "typed on stdin, not argv" })).status).toBe(204);
    expect((await client.get("/api/v1/me")).body).toMatchObject({ name: "CLI Admin", administrator: true, emailVerified: true });
  });

  it("invites a user by e-mail when no password is given", async () => {
    const run = await admin(["create-user", "cli-invitee@example.com", "--group", "partners"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^invited cli-invitee@example\.com \(user [a-z2-7]{24}\); the invitation went to the outbox\n$/);
    const mail = await waitForMail(svc.dataDir, "cli-invitee@example.com", "invite");
    expect(mail.text).toContain("/invite?token=");
  });

  it("adds a user to a group by address", async () => {
    const dev = await signedIn(svc);
    const run = await admin(["add-to-group", dev.email, "partners"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`added ${dev.email} to partners\n`);
    expect((await dev.client.get("/api/v1/me")).body.groups).toContain("partners");
    expect((await admin(["add-to-group", dev.email, "partners"])).stdout).toBe(`${dev.email} already is in partners\n`);
  });

  it("lists submitted subscriptions and approves one: the running gateway takes the key within seconds", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "premium", "CLI approval");
    const list = await admin(["list-subscriptions", "--state", "submitted"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+STATE\s+PRODUCT\s+USER\s+NAME\s+CREATED$/);
    expect(list.stdout).toMatch(new RegExp(`^${sub.subscription.id}\\s+submitted\\s+premium\\s+${dev.email.replace(/[.]/g, "\\.")}\\s+CLI approval\\s+`, "m"));
    const json = JSON.parse((await admin(["list-subscriptions", "--state", "submitted", "--json"])).stdout) as Array<{ id: string; user: string }>;
    expect(json.find((r) => r.id === sub.subscription.id)).toMatchObject({ user: dev.email, product: "premium" });

    expect(await gatewayStatus(svc, sub.primaryKey)).toBe(401);
    const run = await admin(["approve", sub.subscription.id]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`approved ${sub.subscription.id} (premium, "CLI approval"); the subscriber was e-mailed\n`);
    expect(await eventually(async () => (await gatewayStatus(svc, sub.primaryKey)) === 200)).toBe(true);
    await waitForMail(svc.dataDir, dev.email, "subscription-approved");
    const audit = await svc.context.store.client.execute({ sql: "select actor_kind, action from audit_log where target_id = ? order by id", args: [sub.subscription.id] });
    expect(audit.rows.map((r) => `${r.actor_kind}:${r.action}`)).toEqual(["user:subscription.create", "cli:subscription.approve"]);
  });

  it("rejects only with a reason, which the subscriber reads", async () => {
    const dev = await signedIn(svc);
    const sub = await subscribeViaApi(dev.client, "premium");
    const without = await admin(["reject", sub.subscription.id]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("reject needs --reason");
    const run = await admin(["reject", sub.subscription.id, "--reason", "Use Basic for testing first."]);
    expect(run.code).toBe(0);
    const mail = await waitForMail(svc.dataDir, dev.email, "subscription-rejected");
    expect(mail.text).toContain("Reason: Use Basic for testing first.");
    const again = await admin(["approve", sub.subscription.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("portico admin: A rejected subscription cannot be approved.\n");
  });

  it("explains usage mistakes with exit code 2", async () => {
    const unknown = await admin(["promote", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "promote"');
    const badState = await admin(["list-subscriptions", "--state", "paused"]);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain("--state must be one of submitted, active, rejected, suspended, cancelled, expired");
    const help = await admin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("create-user EMAIL [--name NAME] [--admin]");
  });
});
