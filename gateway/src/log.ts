/**
 * Structured logs: one JSON object per line on stdout (or a given stream).
 *
 * Secrets never reach a log line: fields whose names look like secrets are
 * replaced, and header maps have their credential headers masked, so a call
 * site cannot leak a key by logging a request carelessly.
 */
import type { Writable } from "node:stream";

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

const SECRET_FIELD = /pass(word)?|secret|token|cookie|authorization|api[-_]?key|subscription[-_]?key|^key$|session/i;
const REDACTED = "[redacted]";

/** Replaces values of secret-looking fields, recursively, without touching the input. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELD.test(k) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  stream?: Writable;
  base?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLevel(process.env.PORTICO_LOG_LEVEL) ?? "info";
  const stream = options.stream ?? process.stdout;
  const base = options.base ?? {};
  const threshold = LEVELS[level];

  function write(lvl: LogLevel, msg: string, fields?: LogFields): void {
    if (LEVELS[lvl] < threshold) return;
    const record = { time: new Date().toISOString(), level: lvl, msg, ...base, ...(fields ? (redact(fields) as LogFields) : {}) };
    stream.write(JSON.stringify(record) + "\n");
  }

  return {
    level,
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ level, stream, base: { ...base, ...fields } }),
  };
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  return value !== undefined && value in LEVELS ? (value as LogLevel) : undefined;
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  level: "error",
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
