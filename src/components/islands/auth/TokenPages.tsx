/**
 * The pages that e-mailed links open: `/verify?token=` (confirms a new
 * account's address or a change of address, at once), `/reset` (asks for a
 * link; with `?token=` sets a new password) and `/invite?token=` (an
 * invited person chooses a password). One island, three modes, since they
 * share the token handling and the "send another link" form.
 */
import { useEffect, useRef, useState } from "react";
import { api, ApiError, type Portal } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { readHint } from "../../../lib/session-hint.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { ErrorAlert } from "../shared/errors.tsx";
import { Field, fieldError, Form, Loading, Notice } from "../shared/ui.tsx";
import { queryParam } from "./next.ts";

export interface TokenPageProps {
  messages: MessageBundle;
  mode: "verify" | "reset" | "invite";
  password: Portal["password"];
}

/** "Send the link again": the same answer whatever the address. */
function ResendForm({ kind }: { kind: "verify" | "reset" }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  if (done) {
    return (
      <Notice tone="success" role="status" title={t("auth.checkInbox")}>
        <p>{t(kind === "verify" ? "auth.resendDone" : "auth.resetSent", { email: email.trim() })}</p>
      </Notice>
    );
  }
  return (
    <Form
      error={error}
      submitLabel={t(kind === "verify" ? "auth.resendLink" : "auth.sendResetLink")}
      onSubmit={async () => {
        setError(null);
        try {
          if (kind === "verify") await api.resendVerification(email.trim());
          else await api.requestPasswordReset(email.trim());
          setDone(true);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <Field label={t("form.email")} type="email" autoComplete="email" required value={email} onChange={setEmail} error={fieldError(error, "email")} />
    </Form>
  );
}

function Verify() {
  const { t } = useI18n();
  const started = useRef(false);
  const [state, setState] = useState<"none" | "working" | "done" | "failed">("working");
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = queryParam("token");
    if (!token) {
      setState("none");
      return;
    }
    api.verify(token).then(
      () => setState("done"),
      (err: unknown) => {
        setError(err);
        setState("failed");
      },
    );
  }, []);
  if (state === "working") return <Loading label={t("auth.verifying")} />;
  if (state === "done") {
    const signedIn = readHint() !== null;
    return (
      <div className="auth-stack">
        <Notice tone="success" role="status" title={t("auth.verified")}>
          <p>{t(signedIn ? "auth.verifiedSignedInText" : "auth.verifiedText")}</p>
        </Notice>
        <p>
          <a className="button button-primary" href={signedIn ? "/account/profile" : "/signin"}>
            {t(signedIn ? "auth.toAccount" : "auth.signIn")}
          </a>
        </p>
      </div>
    );
  }
  return (
    <div className="auth-stack">
      {state === "failed" && error instanceof ApiError && error.code === "INVALID_TOKEN" ? (
        <Notice tone="error" role="alert" title={t("auth.linkInvalid")}>
          <p>{t("auth.verifyInvalidText")}</p>
        </Notice>
      ) : state === "failed" ? (
        <ErrorAlert error={error} />
      ) : (
        <p>{t("auth.verifyNoToken")}</p>
      )}
      <h2 className="auth-subtitle">{t("auth.resendTitle")}</h2>
      <ResendForm kind="verify" />
    </div>
  );
}

function NewPassword({ mode, passwordRules }: { mode: "reset" | "invite"; passwordRules: Portal["password"] }) {
  const { t } = useI18n();
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  useEffect(() => setToken(queryParam("token")), []);

  if (token === undefined) return <Loading />;
  if (token === null) {
    if (mode === "invite") return <p>{t("auth.inviteNoToken")}</p>;
    return (
      <div className="auth-stack">
        <p>{t("auth.resetIntro")}</p>
        <ResendForm kind="reset" />
        <p className="auth-switch">
          <a href="/signin">{t("auth.toSignIn")}</a>
        </p>
      </div>
    );
  }
  if (done) {
    return (
      <div className="auth-stack">
        <Notice tone="success" role="status" title={t(mode === "reset" ? "auth.resetDone" : "auth.inviteDone")}>
          <p>{t(mode === "reset" ? "auth.resetDoneText" : "auth.inviteDoneText")}</p>
        </Notice>
        <p>
          <a className="button button-primary" href="/signin">
            {t("auth.signIn")}
          </a>
        </p>
      </div>
    );
  }
  const invalid = error instanceof ApiError && error.code === "INVALID_TOKEN";
  const submit = async () => {
    setError(null);
    if (password !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    try {
      if (mode === "reset") await api.confirmPasswordReset(token, password);
      else await api.acceptInvite(token, password, name.trim() || undefined);
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div className="auth-stack">
      {invalid && mode === "reset" ? (
        <>
          <Notice tone="error" role="alert" title={t("auth.linkInvalid")}>
            <p>{t("auth.resetInvalidText")}</p>
          </Notice>
          <ResendForm kind="reset" />
        </>
      ) : (
        <Form onSubmit={submit} error={error} submitLabel={t(mode === "reset" ? "auth.setPassword" : "auth.acceptInvite")} className="auth-form">
          {mode === "invite" && <Field label={t("form.name")} autoComplete="name" maxLength={200} value={name} onChange={setName} error={fieldError(error, "name")} />}
          <Field
            label={t("form.newPassword")}
            type="password"
            autoComplete="new-password"
            required
            minLength={passwordRules.minLength}
            maxLength={passwordRules.maxLength}
            value={password}
            onChange={setPassword}
            hint={t("form.passwordHint", { count: passwordRules.minLength })}
            error={fieldError(error, "password")}
          />
          <Field
            label={t("form.repeatPassword")}
            type="password"
            autoComplete="new-password"
            required
            value={repeat}
            onChange={setRepeat}
            error={mismatch ? t("form.passwordsDiffer") : undefined}
          />
        </Form>
      )}
    </div>
  );
}

export default function TokenPage({ messages, mode, password }: TokenPageProps) {
  return (
    <I18nProvider bundle={messages}>{mode === "verify" ? <Verify /> : <NewPassword mode={mode} passwordRules={password} />}</I18nProvider>
  );
}
