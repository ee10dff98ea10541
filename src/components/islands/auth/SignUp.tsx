/**
 * Sign-up with the portal's custom fields (GET /api/v1/portal, with the
 * build's copy shown first). The answer is the same whether or not the
 * address has an account, so the page only says to check the inbox, and
 * offers to send the link again.
 */
import { useEffect, useState } from "react";
import { api, type Portal, type SignUpField } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { CheckboxField, Field, fieldError, Form, Notice, SelectField } from "../shared/ui.tsx";
import { queryParam, safeNext } from "./next.ts";

export interface SignUpProps {
  messages: MessageBundle;
  signUp: Portal["signUp"];
  password: Portal["password"];
}

type Values = Record<string, string | boolean>;

const INPUT_TYPES: Record<SignUpField["type"], string> = { text: "text", email: "email", url: "url", tel: "tel", select: "text", checkbox: "checkbox" };

function CustomField({ field, value, onChange, error }: { field: SignUpField; value: string | boolean | undefined; onChange(v: string | boolean): void; error?: string }) {
  const { t } = useI18n();
  if (field.type === "checkbox") {
    return <CheckboxField label={field.label} checked={value === true} onChange={onChange} required={field.required} error={error} />;
  }
  if (field.type === "select") {
    return (
      <SelectField
        label={field.label}
        value={typeof value === "string" ? value : ""}
        onChange={onChange}
        required={field.required}
        error={error}
        placeholder={t("form.choose")}
        options={(field.options ?? []).map((o) => ({ value: o, label: o }))}
      />
    );
  }
  return (
    <Field
      label={field.label}
      type={INPUT_TYPES[field.type]}
      name={field.name}
      value={typeof value === "string" ? value : ""}
      onChange={onChange}
      required={field.required}
      maxLength={field.maxLength}
      autoComplete={field.type === "email" ? "email" : field.type === "tel" ? "tel" : field.type === "url" ? "url" : field.name === "company" ? "organization" : "off"}
      error={error}
    />
  );
}

function SignUpForm(props: Omit<SignUpProps, "messages">) {
  const { t } = useI18n();
  const [settings, setSettings] = useState({ signUp: props.signUp, password: props.password });
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [custom, setCustom] = useState<Values>({});
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [resent, setResent] = useState(false);
  const [next, setNext] = useState("/account");

  useEffect(() => {
    setNext(safeNext(queryParam("next")));
    api.portal().then(
      (portal) => setSettings({ signUp: portal.signUp, password: portal.password }),
      () => {},
    );
  }, []);

  if (!settings.signUp.enabled) {
    return (
      <Notice title={t("auth.signUpClosed")} role="status">
        <p>{t("auth.signUpClosedText")}</p>
      </Notice>
    );
  }

  if (sent !== null) {
    return (
      <div className="auth-stack" role="status">
        <Notice tone="success" title={t("auth.checkInbox")}>
          <p>{t("auth.checkInboxText", { email: sent })}</p>
        </Notice>
        {resent ? (
          <p>{t("auth.linkSent")}</p>
        ) : (
          <p className="muted">
            {t("auth.noMail")}{" "}
            <button
              type="button"
              className="link-button"
              onClick={() =>
                api.resendVerification(sent).then(
                  () => setResent(true),
                  (err: unknown) => setError(err),
                )
              }
            >
              {t("auth.resendLink")}
            </button>
          </p>
        )}
        <p>
          <a href={`/signin${next !== "/account" ? `?next=${encodeURIComponent(next)}` : ""}`}>{t("auth.toSignIn")}</a>
        </p>
      </div>
    );
  }

  const submit = async () => {
    setError(null);
    const fields: Record<string, unknown> = {};
    for (const f of settings.signUp.fields) {
      const v = custom[f.name];
      if (f.type === "checkbox") fields[f.name] = v === true;
      else if (typeof v === "string" && v.trim() !== "") fields[f.name] = v.trim();
    }
    try {
      await api.signUp({ ...fields, name: name.trim(), email: email.trim(), password });
      setSent(email.trim());
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="auth-stack">
      <Form onSubmit={submit} error={error} submitLabel={t("auth.createAccount")} className="auth-form">
        <Field label={t("form.name")} name="name" autoComplete="name" required maxLength={200} value={name} onChange={setName} error={fieldError(error, "name")} />
        <Field label={t("form.email")} type="email" name="email" autoComplete="email" required value={email} onChange={setEmail} error={fieldError(error, "email")} />
        <Field
          label={t("form.password")}
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={settings.password.minLength}
          maxLength={settings.password.maxLength}
          value={password}
          onChange={setPassword}
          hint={t("form.passwordHint", { count: settings.password.minLength })}
          error={fieldError(error, "password")}
        />
        {settings.signUp.fields.map((f) => (
          <CustomField key={f.name} field={f} value={custom[f.name]} onChange={(v) => setCustom((c) => ({ ...c, [f.name]: v }))} error={fieldError(error, f.name)} />
        ))}
      </Form>
      <p className="auth-switch">
        {t("auth.haveAccount")} <a href={`/signin${next !== "/account" ? `?next=${encodeURIComponent(next)}` : ""}`}>{t("auth.signIn")}</a>
      </p>
    </div>
  );
}

export default function SignUp({ messages, ...props }: SignUpProps) {
  return (
    <I18nProvider bundle={messages}>
      <SignUpForm {...props} />
    </I18nProvider>
  );
}
