/**
 * Reading the outbox: the `.eml` files the mailer writes when no SMTP
 * server is configured. `portico outbox` shows them decoded (tokens in
 * links survive quoted-printable line breaks), and tests read them.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface Mail {
  file: string;
  to: string;
  subject: string;
  template: string;
  text: string;
  html: string;
  raw: string;
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

function header(head: string, name: string): string {
  const m = new RegExp(`^${name}:\\s*(.*(?:\\n[ \\t].*)*)`, "im").exec(head);
  return m ? m[1]!.replace(/\n[ \t]+/g, " ").trim() : "";
}

export function parseMail(file: string, original: string): Mail {
  const raw = original.replace(/\r\n/g, "\n");
  const split = raw.indexOf("\n\n");
  const head = raw.slice(0, split);
  const boundary = /boundary="([^"]+)"/.exec(head)?.[1];
  const parts = boundary === undefined ? [raw.slice(split + 2)] : raw.slice(split + 2).split(`--${boundary}`);
  let text = "";
  let html = "";
  for (const part of parts) {
    const i = part.indexOf("\n\n");
    if (i < 0) continue;
    const partHead = part.slice(0, i);
    const decoded = /quoted-printable/i.test(partHead) ? decodeQuotedPrintable(part.slice(i + 2)) : part.slice(i + 2);
    if (/text\/plain/i.test(partHead)) text = decoded;
    if (/text\/html/i.test(partHead)) html = decoded;
  }
  return { file, to: header(head, "To"), subject: header(head, "Subject"), template: header(head, "X-Portico-Template"), text, html, raw: original };
}

export async function readOutbox(dataDir: string): Promise<Mail[]> {
  const dir = path.join(dataDir, "outbox");
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".eml")).sort();
  } catch {
    return [];
  }
  return Promise.all(files.map(async (f) => parseMail(f, await readFile(path.join(dir, f), "utf8"))));
}


/** Every http(s) link in a message's plain text, in order. */
export function linksOf(mail: Mail): string[] {
  return mail.text.match(/https?:\/\/[^\s<>"]+/g) ?? [];
}
