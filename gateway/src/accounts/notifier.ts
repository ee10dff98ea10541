/**
 * Sends the templates of email/templates.ts through the mailer, with the
 * portal's current brand and sender (both read per message: a content
 * reload may change them).
 */
import type { Catalog } from "../model/catalog.ts";
import type { Mailer, OutgoingMail } from "./email/mailer.ts";
import { brandOf, type Brand } from "./email/templates.ts";

export interface NotifierOptions {
  mailer: Mailer;
  catalog: () => Catalog;
  portalUrl: () => string;
}

export class Notifier {
  readonly mailer: Mailer;
  readonly #catalog: () => Catalog;
  readonly #portalUrl: () => string;

  constructor(options: NotifierOptions) {
    this.mailer = options.mailer;
    this.#catalog = options.catalog;
    this.#portalUrl = options.portalUrl;
  }

  brand(): Brand {
    return brandOf(this.#catalog(), this.#portalUrl());
  }

  /** Resolves false when the message could not be sent (already logged by the mailer). */
  send(to: string, build: (brand: Brand) => Omit<OutgoingMail, "to">): Promise<boolean> {
    return this.mailer.send(this.#catalog().portal.email.from, { to, ...build(this.brand()) });
  }
}
