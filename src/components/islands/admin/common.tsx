/**
 * Pieces the administration islands share: a labelled text area, a
 * decision dialog that asks for the note the subscriber reads, the result
 * of the last action announced to screen readers, and a "who" cell.
 */
import { useEffect, useId, useState, type ReactNode } from "react";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { ConfirmDialog, Notice } from "../shared/ui.tsx";
import "./admin.css";

export function AdminIsland({ messages, children }: { messages: MessageBundle; children: ReactNode }) {
  return <I18nProvider bundle={messages}>{children}</I18nProvider>;
}

export function TextAreaField({
  label,
  value,
  onChange,
  hint,
  required,
  maxLength = 1000,
}: {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  hint?: ReactNode;
  required?: boolean;
  maxLength?: number;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> ({t("form.required")})</span> : null}
      </label>
      <textarea id={id} value={value} required={required} maxLength={maxLength} rows={3} aria-describedby={hint ? `${id}-hint` : undefined} onChange={(e) => onChange(e.currentTarget.value)} />
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/**
 * A confirmation that carries a note for the subscriber or user: optional
 * (approve, suspend, block) or required (reject). The confirm button stays
 * disabled until a required note is written.
 */
export function NoteDialog({
  open,
  title,
  children,
  confirmLabel,
  noteLabel,
  noteHint,
  noteRequired = false,
  danger,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  noteLabel: string;
  noteHint?: string;
  noteRequired?: boolean;
  danger?: boolean;
  onConfirm(note: string): Promise<void>;
  onClose(): void;
}) {
  const [note, setNote] = useState("");
  useEffect(() => {
    if (open) setNote("");
  }, [open]);
  return (
    <ConfirmDialog
      open={open}
      title={title}
      confirmLabel={confirmLabel}
      danger={danger}
      confirmDisabled={noteRequired && note.trim() === ""}
      onClose={onClose}
      onConfirm={() => onConfirm(note.trim())}
    >
      {children}
      <TextAreaField label={noteLabel} hint={noteHint} value={note} onChange={setNote} required={noteRequired} />
    </ConfirmDialog>
  );
}

/** The outcome of the last action, announced politely; cleared by the next one. */
export function useOutcome(): [ReactNode, (text: string | null) => void] {
  const [text, setText] = useState<string | null>(null);
  const node = (
    <div aria-live="polite" className="admin-outcome">
      {text !== null && (
        <Notice tone="success">
          <p>{text}</p>
        </Notice>
      )}
    </div>
  );
  return [node, setText];
}

type Person = { name: string; email: string } | null;

/**
 * Whether an account is gone: the API answers null, or the address a
 * deleted account is anonymised to (`deleted-<id>@deleted.invalid`; the
 * `.invalid` top-level domain can belong to no one, RFC 2606).
 */
export function isDeleted(user: Person): boolean {
  return user === null || user.email.endsWith("@deleted.invalid");
}

/** A person's name, else their address, else "Deleted account". */
export function personLabel(user: Person, deleted: string): string {
  return user === null || isDeleted(user) ? deleted : user.name || user.email;
}

export function Who({ user }: { user: Person }) {
  const { t } = useI18n();
  if (user === null || isDeleted(user)) return <span className="muted">{t("admin.deletedUser")}</span>;
  return (
    <>
      <span>{user.name || user.email}</span>
      {user.name && <span className="cell-sub">{user.email}</span>}
    </>
  );
}

/** "Show more" under a list that the API pages. */
export function MoreButton({ shown, total, onMore, busy }: { shown: number; total: number; onMore(): void; busy: boolean }) {
  const { t } = useI18n();
  return (
    <div className="admin-more">
      <p className="small muted" role="status">
        {t("admin.showing", { shown, total })}
      </p>
      {shown < total && (
        <button type="button" className="button button-secondary button-small" onClick={onMore} disabled={busy}>
          {busy ? t("common.loading") : t("admin.showMore")}
        </button>
      )}
    </div>
  );
}
