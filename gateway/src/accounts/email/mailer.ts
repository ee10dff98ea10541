/**
 * Outgoing e-mail through nodemailer: SMTP when PORTICO_SMTP_URL is set,
 * otherwise each message is written as an `.eml` file to `<data>/outbox/`,
 * where a developer (or a test) opens it. File names start with the time
 * the message was written, so `ls` lists them in the order they were sent.
 *
 * A failure to send is logged and reported to the caller as `false`, never
 * thrown: most messages answer a request that must not reveal anything
 * (sign-up of a known address, a reset), and the log must not carry the
 * message either, since it holds a one-time link.
 */
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type { Logger } from "../../log.ts";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Which template made it, sent as the X-Portico-Template header (tests and filters use it). */
  template: string;
}

export interface Mailer {
  readonly kind: "smtp" | "outbox";
  /** Resolves true when the message was handed over (SMTP) or written (outbox). */
  send(from: string, mail: OutgoingMail): Promise<boolean>;
  close(): Promise<void>;
}

export interface MailerOptions {
  dataDir: string;
  smtpUrl?: string;
  logger: Logger;
}

export const OUTBOX_DIR = "outbox";

export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl !== undefined ? smtpMailer(options.smtpUrl, options.logger) : outboxMailer(path.join(options.dataDir, OUTBOX_DIR), options.logger);
}

function message(from: string, mail: OutgoingMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // Quoted-printable keeps ASCII text (and links) readable in the raw file.
    textEncoding: "quoted-printable" as const,
    headers: { "X-Portico-Template": mail.template },
  };
}

function smtpMailer(url: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send(from, mail) {
      try {
        await transport.sendMail(message(from, mail));
        return true;
      } catch (err) {
        logger.error("could not send e-mail", { template: mail.template, error: (err as Error).message });
        return false;
      }
    },
    async close() {
      transport.close();
    },
  };
}

function outboxMailer(dir: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  let seq = 0;
  return {
    kind: "outbox",
    async send(from, mail) {
      try {
        const info = await transport.sendMail(message(from, mail));
        await mkdir(dir, { recursive: true, mode: 0o700 });
        // Time first so names sort by sending order; the counter orders
        // messages of one millisecond, and the random part keeps two
        // processes (the service and `portico admin`) from colliding.
        const stamp = new Date().toISOString().replace(/[:.]/g, "-");
        const name = `${stamp}-${String(++seq % 10_000).padStart(4, "0")}-${randomBytes(3).toString("hex")}-${mail.template}.eml`;
        await writeFile(path.join(dir, name), info.message as Buffer, { mode: 0o600 });
        return true;
      } catch (err) {
        logger.error("could not write e-mail to the outbox", { template: mail.template, error: (err as Error).message });
        return false;
      }
    },
    async close() {
      transport.close();
    },
  };
}
