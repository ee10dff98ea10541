/**
 * The building blocks of the per-user pages: labelled fields with their
 * hint and error wired to the input, buttons that show progress, a
 * confirmation dialog on the native <dialog> (focus trap, Escape and focus
 * return come from the browser), copy-to-clipboard, notices and loading
 * states. Styles: islands.css.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from "react";
import { ApiError } from "../../../lib/api-client.ts";
import { ErrorAlert } from "./errors.tsx";
import { useI18n } from "./i18n.tsx";

// ------------------------------------------------------------------ fields

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  hint?: ReactNode;
  error?: string;
}

export function Field({ label, value, onChange, hint, error, required, id, className, ...rest }: FieldProps) {
  const { t } = useI18n();
  const auto = useId();
  const inputId = id ?? auto;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={inputId}>
        {label}
        {required ? <span className="required"> ({t("form.required")})</span> : null}
      </label>
      <input
        id={inputId}
        value={value}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
        {...rest}
      />
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

export function SelectField({
  label,
  value,
  onChange,
  options,
  required,
  error,
  hint,
  placeholder,
}: {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  options: Array<{ value: string; label: string }>;
  required?: boolean;
  error?: string;
  hint?: ReactNode;
  placeholder?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> ({t("form.required")})</span> : null}
      </label>
      <select id={id} value={value} required={required} aria-invalid={error ? true : undefined} aria-describedby={describedBy} onChange={(e) => onChange(e.currentTarget.value)}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function CheckboxField({ label, checked, onChange, required, error }: { label: ReactNode; checked: boolean; onChange(checked: boolean): void; required?: boolean; error?: string }) {
  const id = useId();
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

// ------------------------------------------------------------------ forms

/**
 * A form that runs `onSubmit`, shows its error above the fields, keeps the
 * button busy meanwhile, and moves focus to the error so that screen
 * readers and keyboard users land on it.
 */
export function Form({
  onSubmit,
  submitLabel,
  busyLabel,
  error,
  children,
  secondary,
  danger,
  className,
  disabled,
  label,
}: {
  onSubmit(): Promise<void> | void;
  submitLabel: string;
  busyLabel?: string;
  error: unknown;
  children?: ReactNode;
  secondary?: ReactNode;
  danger?: boolean;
  className?: string;
  disabled?: boolean;
  label?: string;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      await onSubmit();
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (error) document.getElementById(errorId)?.focus();
  }, [error, errorId]);
  return (
    <form className={`form${className ? ` ${className}` : ""}`} onSubmit={submit} noValidate aria-label={label} aria-busy={busy || undefined}>
      <ErrorAlert error={error} id={errorId} />
      {children}
      <div className="form-actions">
        <button type="submit" className={`button ${danger ? "button-danger" : "button-primary"}`} disabled={busy || disabled}>
          {busy ? (busyLabel ?? t("form.working")) : submitLabel}
        </button>
        {secondary}
      </div>
    </form>
  );
}

/** The message of a field from a VALIDATION_FAILED answer. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.code === "VALIDATION_FAILED" ? error.fieldError(field) : undefined;
}

// ------------------------------------------------------------------ notices

export function Notice({ tone = "info", title, children, role }: { tone?: "info" | "success" | "warning" | "error"; title?: ReactNode; children?: ReactNode; role?: "status" | "alert" | "note" }) {
  return (
    <div className={`alert alert-${tone}`} role={role}>
      {title && <p className="alert-title">{title}</p>}
      {children}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </p>
  );
}

// ------------------------------------------------------------------ dialog

/**
 * A modal confirmation on <dialog>. `children` explain what happens; the
 * confirm button runs `onConfirm` and the dialog closes when it resolves
 * (an error stays shown inside the dialog).
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
  confirmDisabled,
  cancel = true,
}: {
  open: boolean;
  /** false: a dialog that only informs, with one button. */
  cancel?: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<void> | void;
  onClose(): void;
  confirmDisabled?: boolean;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setError(null);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} onCancel={() => onClose()}>
      <form onSubmit={confirm} className="dialog-body">
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
        <ErrorAlert error={error} />
        <div className="form-actions">
          <button type="submit" className={`button ${danger ? "button-danger" : "button-primary"}`} disabled={busy || confirmDisabled}>
            {busy ? t("form.working") : confirmLabel}
          </button>
          {cancel && (
            <button type="button" className="button button-secondary" onClick={onClose}>
              {t("common.cancel")}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}

// ------------------------------------------------------------------ copy

export function CopyButton({ text, label, className }: { text: string | (() => Promise<string>); label: string; className?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      const value = typeof text === "string" ? text : await text();
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <>
      <button type="button" className={`button button-secondary button-small${className ? ` ${className}` : ""}`} onClick={copy}>
        {state === "copied" ? t("common.copied") : label}
      </button>
      <span className="sr-only" role="status">
        {state === "copied" ? t("common.copied") : state === "failed" ? t("common.copyFailed") : ""}
      </span>
    </>
  );
}

// ------------------------------------------------------------------ tables

/**
 * The frame of a wide table. When the table is wider than the frame, the
 * frame scrolls, and becomes a named region that the keyboard can reach
 * and scroll (WCAG 2.1.1); otherwise it is no tab stop.
 */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={ref} className="table-wrap" tabIndex={scrolls ? 0 : undefined} role={scrolls ? "region" : undefined} aria-label={scrolls ? label : undefined}>
      {children}
    </div>
  );
}

// ------------------------------------------------------------------ data

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  set(data: T): void;
}

/** Runs `load` on mount and on `reload()`; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    load().then(
      (value) => {
        if (cancelled) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (cancelled) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick, ...deps]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, set: setData };
}

/** Where a page's sign-in link returns to: this page, with its query. */
export function herePath(): string {
  return location.pathname.replace(/(.)\/$/, "$1") + location.search;
}

export function signInHref(next = herePath()): string {
  return `/signin?next=${encodeURIComponent(next)}`;
}

/** What a page shows when its data could not be loaded: sign in, not allowed, or the error. */
export function LoadFailure({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
    return (
      <Notice title={t("common.signInNeeded")} role="status">
        <p>{t("common.signInNeededText")}</p>
        <p>
          <a className="button button-primary" href={signInHref()}>
            {t("common.signIn")}
          </a>
        </p>
      </Notice>
    );
  }
  if (error instanceof ApiError && error.code === "FORBIDDEN") {
    return (
      <Notice tone="warning" title={t("common.forbidden")} role="status">
        <p>{t("common.forbiddenText")}</p>
      </Notice>
    );
  }
  return <ErrorAlert error={error} />;
}
