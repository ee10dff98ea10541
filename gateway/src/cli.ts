#!/usr/bin/env node
/**
 * `portico validate|build|serve|dev|demo|admin`: the one entry point for
 * publishers and operators. Each command parses its own options strictly
 * (an unknown option is an error, not ignored) and has its own --help.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

interface Command {
  summary: string;
  usage: string;
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  allowPositionals?: boolean;
  run(values: Record<string, string | boolean | string[] | undefined>, positionals: string[]): Promise<number>;
}

const COMMON_ENV = `
Environment (see README, "Run-time settings"):
  PORTICO_PORT           portal + management API port      (default 4000)
  PORTICO_GATEWAY_PORT   gateway port                      (default 8080)
  PORTICO_DEMO_PORT      demo backend port                 (default 8090)
  PORTICO_DEMO=0         do not start the demo backend
  PORTICO_HOST           address to listen on              (default 127.0.0.1)
  PORTICO_CONTENT        content folder                    (default ./content)
  PORTICO_DATA           data folder: db, outbox, secrets  (default ./.portico)
  PORTICO_DB_URL         libSQL URL (file:, libsql://, http://) + PORTICO_DB_TOKEN
  PORTICO_REDIS_URL      Redis for shared counters and cache (default: in memory)
  PORTICO_SMTP_URL       SMTP server for e-mail (default: .eml files in <data>/outbox)
  PORTICO_ADMIN_EMAIL, PORTICO_ADMIN_PASSWORD   the first administrator
`;

const commands: Record<string, Command> = {
  validate: {
    summary: "check a content folder and print every problem",
    usage: "portico validate [content-dir] [--themes DIR]",
    help: `Checks every content file against its schema and the cross-references
between them. Prints each problem as file:line:column: message and exits 1
when there is any error, so a publisher's CI can gate on it.

Options:
  --themes DIR   themes folder (default: <content-dir>/../themes)
  --quiet        print only problems, no summary`,
    options: { themes: { type: "string" }, quiet: { type: "boolean" } },
    allowPositionals: true,
    async run(values, positionals) {
      const { runValidate } = await import("./model/validate.ts");
      const dir = positionals[0] ?? process.env.PORTICO_CONTENT ?? "content";
      return runValidate(dir, { themesDir: values.themes as string | undefined, quiet: values.quiet === true });
    },
  },
  build: {
    summary: "build the static portal into dist/",
    usage: "portico build [--content DIR] [--out DIR]",
    help: `Validates the content, then builds the portal with Astro, printing the
progress and the time of each phase.

Options:
  --content DIR  content folder (default: $PORTICO_CONTENT or ./content)
  --out DIR      output folder (default: $PORTICO_DIST or ./dist)`,
    options: { content: { type: "string" }, out: { type: "string" } },
    async run(values) {
      const { buildPortal } = await import("./server/portal-build.ts");
      const { readConfig } = await import("./config.ts");
      const config = readConfig({
        ...process.env,
        ...(values.content ? { PORTICO_CONTENT: values.content as string } : {}),
        ...(values.out ? { PORTICO_DIST: values.out as string } : {}),
      });
      const result = await buildPortal(config, { force: true, log: (line) => process.stdout.write(line + "\n") });
      return result.ok ? 0 : 1;
    },
  },
  serve: {
    summary: "run the portal, management API, gateway and demo backend",
    usage: "portico serve [--role all|control|gateway] [--control-url URL] [--build-if-changed]",
    help: `Starts the service. With --role all (the default) one process runs the
control listener (portal + /api/v1) and the gateway listener, plus the demo
backend unless PORTICO_DEMO=0. SIGTERM or SIGINT drains in-flight requests
and exits within 10 s.

Options:
  --role ROLE           all | control | gateway (default all)
  --control-url URL     the control plane a gateway node pulls its configuration from
  --build-if-changed    build the portal first when content, themes or src changed
${COMMON_ENV}`,
    options: {
      role: { type: "string", default: "all" },
      "control-url": { type: "string" },
      "build-if-changed": { type: "boolean" },
    },
    async run(values) {
      const { runServe } = await import("./server/serve.ts");
      return runServe({
        role: values.role as string,
        controlUrl: values["control-url"] as string | undefined,
        buildIfChanged: values["build-if-changed"] === true,
      });
    },
  },
  dev: {
    summary: "serve, rebuilding the portal and reloading open pages when content or a theme changes",
    usage: "portico dev [--watch-src]",
    help: `Like serve, but watches the content folder and the themes folder. When
a file changes it rebuilds the portal, printing the progress and the time
of each phase, switches the service to the new content, and reloads every
open page (server-sent events at /_portico/dev/events, served only by this
command). A build that fails leaves the last good portal served and shows
why on the open pages.

Options:
  --watch-src   also rebuild when the portal's own source (src/) changes,
                for people working on Portico itself
${COMMON_ENV}`,
    options: { "watch-src": { type: "boolean" } },
    async run(values) {
      const { runDev } = await import("./dev/run-dev.ts");
      return runDev({ watchSource: values["watch-src"] === true });
    },
  },
  admin: {
    summary: "create users, manage groups, list and approve subscriptions",
    usage: "portico admin <create-user|add-to-group|list-subscriptions|approve|reject> …",
    help: `Manages accounts and subscriptions directly in the data folder, with the
same settings as "portico serve" (PORTICO_DATA, PORTICO_DB_URL, PORTICO_CONTENT,
PORTICO_SMTP_URL). A running service picks the changes up within seconds.

Commands:
  create-user EMAIL [--name NAME] [--admin] [--group ID]... [--password-stdin]
      With --password-stdin, reads the password from the first line of
      standard input and makes an active account with a verified address.
      Without it, makes an invited account and e-mails an invitation link.
      --admin adds the account to administrators.
  add-to-group EMAIL|USER-ID GROUP
  list-subscriptions [--state STATE] [--json]
      STATE is one of submitted, active, rejected, suspended, cancelled, expired.
  approve SUBSCRIPTION-ID [--reason TEXT]
  reject SUBSCRIPTION-ID --reason TEXT

Examples:
  printf '%s\\n' "$ADMIN_PASSWORD" | portico admin create-user ops@example.com --admin --password-stdin
  portico admin list-subscriptions --state submitted
  portico admin approve 3kq2m7x9w4h5t6y8u1r0p2s4 --reason "Partner contract signed"
${COMMON_ENV}`,
    options: {
      name: { type: "string" },
      admin: { type: "boolean" },
      group: { type: "string", multiple: true },
      "password-stdin": { type: "boolean" },
      state: { type: "string" },
      reason: { type: "string" },
      json: { type: "boolean" },
    },
    allowPositionals: true,
    async run(values, positionals) {
      const { runAdmin } = await import("./accounts/admin-cli.ts");
      return runAdmin(values, positionals);
    },
  },
  outbox: {
    summary: "show the e-mails written to the outbox (no SMTP configured)",
    usage: "portico outbox [--to EMAIL] [--last] [--links]",
    help: `Without PORTICO_SMTP_URL, e-mails (verification, password reset,
invitations, subscription decisions) are written as .eml files to
<data>/outbox/. This prints them decoded, oldest first.

Options:
  --to EMAIL   only messages to this address
  --last       only the newest matching message
  --links      print only the links in the messages, one per line

Example:
  portico outbox --to you@example.com --last --links`,
    options: { to: { type: "string" }, last: { type: "boolean" }, links: { type: "boolean" } },
    async run(values) {
      const { readConfig } = await import("./config.ts");
      const { linksOf, readOutbox } = await import("./accounts/email/outbox.ts");
      const to = (values.to as string | undefined)?.toLowerCase();
      let mails = (await readOutbox(readConfig().dataDir)).filter((m) => to === undefined || m.to.toLowerCase() === to);
      if (values.last === true) mails = mails.slice(-1);
      for (const mail of mails) {
        if (values.links === true) {
          for (const link of linksOf(mail)) process.stdout.write(link + "\n");
        } else {
          process.stdout.write(`To: ${mail.to}\nSubject: ${mail.subject}\nFile: ${mail.file}\n\n${mail.text.trim()}\n\n`);
        }
      }
      return 0;
    },
  },
  demo: {
    summary: "run the DroneFly demo backend alone",
    usage: "portico demo [--port N]",
    help: `Runs the demo backend that implements the DroneFly APIs of the sample
content, on PORTICO_DEMO_PORT (default 8090).

Options:
  --port N   port to listen on`,
    options: { port: { type: "string" }, host: { type: "string" } },
    async run(values) {
      const { runDemo } = await import("./demo/main.ts");
      const port = Number(values.port ?? process.env.PORTICO_DEMO_PORT ?? 8090);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`portico demo: --port must be a port number, got "${values.port}"\n`);
        return 2;
      }
      return runDemo({ port, host: (values.host as string | undefined) ?? process.env.PORTICO_HOST ?? "127.0.0.1" });
    },
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const list = Object.entries(commands)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join("\n");
  return `portico — a developer portal and API gateway built from a git folder

Usage: portico <command> [options]

Commands:
${list}

Run "portico <command> --help" for a command's options.
`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    const { readFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(pkg.version + "\n");
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`portico: unknown command "${name}"\n\n${mainHelp()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`Usage: ${command.usage}\n\n${command.help}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true });
  } catch (err) {
    process.stderr.write(`portico ${name}: ${(err as Error).message}\nUsage: ${command.usage}\n`);
    return 2;
  }
  return command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A stopped service may leave idle sockets or timers behind; they must
    // not hold the process. Unref'd, so a clean exit is not delayed.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err: unknown) => {
    process.stderr.write(`portico: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
