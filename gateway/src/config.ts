/**
 * Run-time settings of the service, read once from the environment (DESIGN
 * §8) and checked with one strict schema so that a typo in a port or URL
 * stops the start with a message naming the variable.
 */
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

const port = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: "custom", message: `${name} must be a port number from 0 to 65535, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : !["0", "false", "no", "off"].includes(v.toLowerCase())));

const optionalUrl = (name: string, protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: `${name} is not a URL: "${v}"` });
        return z.NEVER;
      }
      if (!protocols.includes(url.protocol)) {
        ctx.addIssue({ code: "custom", message: `${name} must use ${protocols.join(" or ")}, got "${url.protocol}"` });
        return z.NEVER;
      }
      return v;
    });

const EnvSchema = z.object({
  PORTICO_PORT: port("PORTICO_PORT", 4000),
  PORTICO_GATEWAY_PORT: port("PORTICO_GATEWAY_PORT", 8080),
  PORTICO_DEMO_PORT: port("PORTICO_DEMO_PORT", 8090),
  PORTICO_DEMO: flag(true),
  PORTICO_HOST: z.string().optional().transform((v) => (v === undefined || v === "" ? "127.0.0.1" : v)),
  PORTICO_CONTENT: z.string().optional(),
  PORTICO_THEMES: z.string().optional(),
  PORTICO_DATA: z.string().optional(),
  PORTICO_DIST: z.string().optional(),
  PORTICO_DB_URL: optionalUrl("PORTICO_DB_URL", ["file:", "libsql:", "http:", "https:", "ws:", "wss:"]),
  PORTICO_DB_TOKEN: z.string().optional(),
  PORTICO_REDIS_URL: optionalUrl("PORTICO_REDIS_URL", ["redis:", "rediss:"]),
  PORTICO_REDIS_PREFIX: z
    .string()
    .optional()
    .refine((v) => v === undefined || /^[A-Za-z0-9:_.-]{0,64}$/.test(v), "PORTICO_REDIS_PREFIX may hold letters, digits and : _ . - (at most 64)"),
  PORTICO_SMTP_URL: optionalUrl("PORTICO_SMTP_URL", ["smtp:", "smtps:"]),
  PORTICO_ADMIN_EMAIL: z.string().optional(),
  PORTICO_ADMIN_PASSWORD: z.string().optional(),
  PORTICO_CLUSTER_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === "" || v.length >= 16, "PORTICO_CLUSTER_TOKEN must be at least 16 characters (use a long random value)"),
  PORTICO_CONTROL_URL: optionalUrl("PORTICO_CONTROL_URL", ["http:", "https:"]),
  PORTICO_METRICS_TOKEN: z.string().optional(),
  PORTICO_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      for (const entry of list) {
        const [addr, bits] = entry.split("/");
        if (!addr || isIP(addr) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) {
          ctx.addIssue({ code: "custom", message: `PORTICO_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range` });
        }
      }
      return list;
    }),
  PORTICO_ACCESS_LOG: z.enum(["on", "off"]).optional().transform((v) => v !== "off"),
  PORTICO_ACCESS_LOG_SAMPLE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return 1;
      const n = Number(v);
      if (!(n >= 0 && n <= 1)) {
        ctx.addIssue({ code: "custom", message: `PORTICO_ACCESS_LOG_SAMPLE must be a number from 0 to 1, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
  PORTICO_USAGE_FLUSH_MS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return 1000;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 50 || n > 60_000) {
        ctx.addIssue({ code: "custom", message: `PORTICO_USAGE_FLUSH_MS must be whole milliseconds from 50 to 60000, got "${v}"` });
        return z.NEVER;
      }
      return n;
    }),
});

export interface ServiceConfig {
  host: string;
  controlPort: number;
  gatewayPort: number;
  demoPort: number;
  demo: boolean;
  contentDir: string;
  themesDir: string;
  dataDir: string;
  distDir: string;
  dbUrl?: string;
  dbToken?: string;
  redisUrl?: string;
  /** Prepended to every Redis key, so several installations can share one Redis. */
  redisPrefix: string;
  smtpUrl?: string;
  adminEmail?: string;
  adminPassword?: string;
  clusterToken?: string;
  /** The control plane a gateway-only node follows. */
  controlUrl?: string;
  metricsToken?: string;
  trustedProxies: string[];
  accessLog: boolean;
  accessLogSample: number;
  usageFlushMs: number;
}

export class ConfigurationError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.problems = problems;
    this.name = "ConfigurationError";
  }
}

/** Reads the service settings from `env`, resolving folders against `cwd`. */
export function readConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServiceConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((i) => i.message));
  }
  const e = parsed.data;
  const contentDir = path.resolve(cwd, e.PORTICO_CONTENT ?? "content");
  return {
    host: e.PORTICO_HOST,
    controlPort: e.PORTICO_PORT,
    gatewayPort: e.PORTICO_GATEWAY_PORT,
    demoPort: e.PORTICO_DEMO_PORT,
    demo: e.PORTICO_DEMO,
    contentDir,
    themesDir: path.resolve(cwd, e.PORTICO_THEMES ?? path.join(contentDir, "..", "themes")),
    dataDir: path.resolve(cwd, e.PORTICO_DATA ?? ".portico"),
    distDir: path.resolve(cwd, e.PORTICO_DIST ?? "dist"),
    dbUrl: e.PORTICO_DB_URL,
    dbToken: e.PORTICO_DB_TOKEN,
    redisUrl: e.PORTICO_REDIS_URL,
    redisPrefix: e.PORTICO_REDIS_PREFIX ?? "portico:",
    smtpUrl: e.PORTICO_SMTP_URL,
    adminEmail: e.PORTICO_ADMIN_EMAIL,
    adminPassword: e.PORTICO_ADMIN_PASSWORD,
    clusterToken: e.PORTICO_CLUSTER_TOKEN || undefined,
    controlUrl: e.PORTICO_CONTROL_URL,
    metricsToken: e.PORTICO_METRICS_TOKEN || undefined,
    trustedProxies: e.PORTICO_TRUSTED_PROXIES,
    accessLog: e.PORTICO_ACCESS_LOG,
    accessLogSample: e.PORTICO_ACCESS_LOG_SAMPLE,
    usageFlushMs: e.PORTICO_USAGE_FLUSH_MS,
  };
}
