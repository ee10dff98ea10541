/**
 * Every e-mail Portico sends, in plain text and HTML, carrying the portal's
 * name and accent colour. Templates take only what they show: none of them
 * has a parameter that could carry a subscription key, a password or a
 * session, so no e-mail can leak one by mistake.
 *
 * The HTML is a single table-free column with inline styles, which is what
 * mail clients render reliably; every value is escaped.
 */
import type { Catalog } from "../../model/catalog.ts";
import type { OutgoingMail } from "./mailer.ts";

export interface Brand {
  title: string;
  accent: string;
  portalUrl: string;
  footer?: string;
}

export function brandOf(catalog: Catalog, portalUrl: string): Brand {
  const accent = catalog.theme.tokens.light.accent;
  return {
    title: catalog.portal.title,
    // Only a plain colour may reach a style attribute.
    accent: accent !== undefined && /^#[0-9a-f]{3,8}$/i.test(accent) ? accent : "#2454d6",
    portalUrl: portalUrl.replace(/\/+$/, ""),
    footer: catalog.portal.footer,
  };
}

type Mail = Omit<OutgoingMail, "to">;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

interface Body {
  greeting?: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  after?: string[];
}

function render(brand: Brand, template: string, subject: string, body: Body): Mail {
  const lines: string[] = [];
  if (body.greeting) lines.push(body.greeting, "");
  for (const p of body.paragraphs) lines.push(p, "");
  if (body.action) lines.push(`${body.action.label}:`, body.action.url, "");
  for (const p of body.after ?? []) lines.push(p, "");
  lines.push("—", brand.title, brand.portalUrl);
  if (brand.footer) lines.push(brand.footer);

  const para = (p: string) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`;
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f6f9;font-family:system-ui,-apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#1b1f24;line-height:1.5">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;overflow:hidden">',
    `<div style="background:${brand.accent};color:#ffffff;padding:16px 24px;font-size:18px;font-weight:600">${escapeHtml(brand.title)}</div>`,
    '<div style="padding:24px">',
    body.greeting ? para(body.greeting) : "",
    ...body.paragraphs.map(para),
    body.action
      ? `<p style="margin:24px 0"><a href="${escapeHtml(body.action.url)}" style="background:${brand.accent};color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(body.action.label)}</a></p>` +
        `<p style="margin:0 0 16px;font-size:13px;color:#536276">If the button does not work, open this address: <a href="${escapeHtml(body.action.url)}" style="color:${brand.accent}">${escapeHtml(body.action.url)}</a></p>`
      : "",
    ...(body.after ?? []).map(para),
    "</div>",
    `<div style="padding:16px 24px;font-size:13px;color:#536276;border-top:1px solid #e3e8ef"><a href="${escapeHtml(brand.portalUrl)}" style="color:${brand.accent}">${escapeHtml(brand.title)}</a>${brand.footer ? ` · ${escapeHtml(brand.footer)}` : ""}</div>`,
    "</div></body></html>",
  ].join("\n");
  return { template, subject, text: lines.join("\n"), html };
}

function link(brand: Brand, page: string, token: string): string {
  return `${brand.portalUrl}/${page}?token=${encodeURIComponent(token)}`;
}

const hello = (name: string | undefined) => (name ? `Hello ${name},` : "Hello,");

export function verifyEmail(brand: Brand, input: { name?: string; token: string }): Mail {
  return render(brand, "verify", `Confirm your e-mail address for ${brand.title}`, {
    greeting: hello(input.name),
    paragraphs: [`Thank you for signing up to ${brand.title}. Confirm that this address is yours to finish creating your account.`],
    action: { label: "Confirm my address", url: link(brand, "verify", input.token) },
    after: ["The link works once and for 48 hours. If you did not sign up, ignore this message: no account is created without the confirmation."],
  });
}

/**
 * Sent instead of a verification when someone signs up with an address that
 * already has an account, so the answer to the sign-up reveals nothing.
 */
export function signUpNotice(brand: Brand, input: { name?: string; verifyToken?: string }): Mail {
  return render(brand, "sign-up-notice", `Someone tried to sign up to ${brand.title} with your address`, {
    greeting: hello(input.name),
    paragraphs: [
      `Someone, probably you, tried to create a ${brand.title} account with this e-mail address. You already have one, so nothing was changed.`,
      input.verifyToken
        ? "Your address is not confirmed yet. Confirm it with the link below, then sign in with the password you chose when you first signed up, or reset it."
        : `Sign in at ${brand.portalUrl}/sign-in, or reset your password at ${brand.portalUrl}/forgot-password if you have forgotten it.`,
    ],
    action: input.verifyToken ? { label: "Confirm my address", url: link(brand, "verify", input.verifyToken) } : undefined,
    after: ["If it was not you, you need not do anything."],
  });
}

export function passwordReset(brand: Brand, input: { name?: string; token: string }): Mail {
  return render(brand, "reset", `Reset your ${brand.title} password`, {
    greeting: hello(input.name),
    paragraphs: ["We received a request to reset the password of your account. Choose a new one with the link below."],
    action: { label: "Choose a new password", url: link(brand, "reset", input.token) },
    after: ["The link works once and for one hour. Setting a new password signs you out everywhere. If you did not ask for this, ignore this message: your password stays as it is."],
  });
}

export function invitation(brand: Brand, input: { name?: string; invitedBy?: string; token: string }): Mail {
  return render(brand, "invite", `You are invited to ${brand.title}`, {
    greeting: hello(input.name),
    paragraphs: [`${input.invitedBy ? `${input.invitedBy} invited you` : "You are invited"} to ${brand.title}. Choose a password to activate your account.`],
    action: { label: "Accept the invitation", url: link(brand, "invite", input.token) },
    after: ["The invitation is valid for two days."],
  });
}

export function emailChange(brand: Brand, input: { name?: string; token: string }): Mail {
  return render(brand, "email-change", `Confirm your new e-mail address for ${brand.title}`, {
    greeting: hello(input.name),
    paragraphs: [`You asked to use this address for your ${brand.title} account. Confirm it to make the change.`],
    action: { label: "Confirm the new address", url: link(brand, "verify", input.token) },
    after: ["The link works once and for 24 hours. If you did not ask for this, ignore this message."],
  });
}

/** To an address someone tried to move an account to while it already has one. */
export function emailChangeNotice(brand: Brand, input: { name?: string }): Mail {
  return render(brand, "email-change-notice", `Your address was entered on ${brand.title}`, {
    greeting: hello(input.name),
    paragraphs: [`Someone asked to move a ${brand.title} account to this address, which already has an account. Nothing was changed.`],
    after: ["If it was you, sign in to that account instead. Otherwise you need not do anything."],
  });
}

/** To the old address once the change is done: the owner learns of a takeover. */
export function emailChanged(brand: Brand, input: { name?: string; newEmail: string }): Mail {
  return render(brand, "email-changed", `The e-mail address of your ${brand.title} account changed`, {
    greeting: hello(input.name),
    paragraphs: [`Your ${brand.title} account now uses ${input.newEmail}. Messages will go there from now on.`],
    after: ["If you did not make this change, reply to this message or contact the portal's administrators at once."],
  });
}

export function passwordChanged(brand: Brand, input: { name?: string }): Mail {
  return render(brand, "password-changed", `Your ${brand.title} password changed`, {
    greeting: hello(input.name),
    paragraphs: ["The password of your account was changed, and every session was signed out."],
    after: [`If you did not do this, reset your password at once at ${brand.portalUrl}/forgot-password.`],
  });
}

export interface SubscriptionMailInput {
  name?: string;
  subscriptionName: string;
  productTitle: string;
  reason?: string | null;
}

export type SubscriptionEvent = "submitted" | "approved" | "rejected" | "suspended" | "reactivated" | "cancelled";

const SUBSCRIPTION_TEXT: Record<SubscriptionEvent, { subject: (p: string) => string; body: (i: SubscriptionMailInput) => string; after?: string }> = {
  submitted: {
    subject: (p) => `Your ${p} subscription request was received`,
    body: (i) => `Your request for "${i.subscriptionName}" to ${i.productTitle} is waiting for an administrator's approval. Its keys start working as soon as it is approved, and we will tell you by e-mail.`,
  },
  approved: {
    subject: (p) => `Your ${p} subscription is active`,
    body: (i) => `Your subscription "${i.subscriptionName}" to ${i.productTitle} was approved. Its keys work now.`,
    after: "Find them on your account page. Keys are never sent by e-mail.",
  },
  rejected: {
    subject: (p) => `Your ${p} subscription request was declined`,
    body: (i) => `Your request for "${i.subscriptionName}" to ${i.productTitle} was declined.`,
  },
  suspended: {
    subject: (p) => `Your ${p} subscription is suspended`,
    body: (i) => `Your subscription "${i.subscriptionName}" to ${i.productTitle} was suspended. Its keys do not work until it is reactivated.`,
  },
  reactivated: {
    subject: (p) => `Your ${p} subscription is active again`,
    body: (i) => `Your subscription "${i.subscriptionName}" to ${i.productTitle} was reactivated. Its keys work again.`,
  },
  cancelled: {
    subject: (p) => `Your ${p} subscription was cancelled`,
    body: (i) => `Your subscription "${i.subscriptionName}" to ${i.productTitle} was cancelled by an administrator. Its keys no longer work.`,
  },
};

export function subscriptionMail(brand: Brand, event: SubscriptionEvent, input: SubscriptionMailInput): Mail {
  const t = SUBSCRIPTION_TEXT[event];
  const paragraphs = [t.body(input)];
  if (input.reason) paragraphs.push(`Reason: ${input.reason}`);
  return render(brand, `subscription-${event}`, t.subject(input.productTitle), {
    greeting: hello(input.name),
    paragraphs,
    action: { label: "Open my subscriptions", url: `${brand.portalUrl}/account` },
    after: t.after ? [t.after] : undefined,
  });
}
