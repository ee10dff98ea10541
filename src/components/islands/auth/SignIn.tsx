/**
 * Sign-in: e-mail and password, or the portal's OpenID Connect provider
 * when one is configured. Shows why a provider sign-in failed (`?error=`),
 * offers a fresh verification link when the address is not confirmed yet,
 * and returns to `?next=` once signed in. A provider sign-in comes back
 * here with `?sso=done`, to record the sign-in for the header and go on.
 */
import { useEffect, useState } from "react";
import { api, ApiError, type Portal } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { Field, fieldError, Form, Loading, Notice } from "../shared/ui.tsx";
import { queryParam, safeNext } from "./next.ts";

export interface SignInProps {
  messages: MessageBundle;
  /** From the build; refreshed from GET /api/v1/portal. */
  oidc: Portal["oidc"];
  signUpEnabled: boolean;
}

const OIDC_REASONS = new Set([
  "email_unverified",
  "oidc_state",
  "oidc_cancelled",
  "oidc_failed",
  "oidc_unavailable",
  "oidc_disabled",
  "oidc_conflict",
  "sign_up_closed",
  "account_blocked",
]);

function SignInForm({ oidc: initialOidc, signUpEnabled: initialSignUp }: Omit<SignInProps, "messages">) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [resent, setResent] = useState(false);
  const [oidc, setOidc] = useState(initialOidc);
  const [signUpEnabled, setSignUpEnabled] = useState(initialSignUp);
  const [finishing, setFinishing] = useState(false);
  const [reason, setReason] = useState<string | null>(null);
  const [next, setNext] = useState("/account");

  useEffect(() => {
    const target = safeNext(queryParam("next"));
    setNext(target);
    setReason(queryParam("error"));
    api.portal().then(
      (portal) => {
        setOidc(portal.oidc);
        setSignUpEnabled(portal.signUp.enabled);
      },
      () => {},
    );
    if (queryParam("sso") === "done") {
      setFinishing(true);
      api.me().then(
        () => location.replace(target),
        (err: unknown) => {
          setFinishing(false);
          setError(err instanceof ApiError && err.code === "UNAUTHENTICATED" ? new ApiError(401, "SSO_INCOMPLETE", t("auth.ssoIncomplete")) : err);
        },
      );
    }
  }, [t]);

  const submit = async () => {
    setError(null);
    setResent(false);
    try {
      await api.signIn(email.trim(), password);
      location.assign(next);
    } catch (err) {
      setError(err);
    }
  };

  const resend = async () => {
    try {
      await api.resendVerification(email.trim());
      setResent(true);
    } catch (err) {
      setError(err);
    }
  };

  if (finishing) return <Loading label={t("auth.finishing")} />;

  const unverified = error instanceof ApiError && error.code === "EMAIL_NOT_VERIFIED";
  const reasonText = reason === null ? null : OIDC_REASONS.has(reason) ? t(`auth.oidcError.${reason}`) : t("auth.oidcError.other");
  const returnTo = `/signin?sso=done&next=${encodeURIComponent(next)}`;

  return (
    <div className="auth-stack">
      {reasonText && (
        <Notice tone="error" role="alert" title={t("auth.oidcFailed")}>
          <p>{reasonText}</p>
        </Notice>
      )}
      {oidc && (
        <>
          <a className="button button-secondary button-block" href={api.oidcStartUrl(oidc.startUrl, returnTo)}>
            {oidc.label}
          </a>
          <p className="divider">
            <span>{t("auth.orWithPassword")}</span>
          </p>
        </>
      )}
      <Form onSubmit={submit} error={unverified ? null : error} submitLabel={t("auth.signIn")} busyLabel={t("auth.signingIn")} className="auth-form">
        {unverified && (
          <Notice tone="warning" role="alert" title={t("error.EMAIL_NOT_VERIFIED")}>
            <p>{t("auth.unverifiedText")}</p>
            {resent ? (
              <p role="status">{t("auth.linkSent")}</p>
            ) : (
              <p>
                <button type="button" className="button button-secondary button-small" onClick={resend}>
                  {t("auth.resendLink")}
                </button>
              </p>
            )}
          </Notice>
        )}
        <Field label={t("form.email")} type="email" name="email" autoComplete="username" required value={email} onChange={setEmail} error={fieldError(error, "email")} />
        <Field
          label={t("form.password")}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          error={fieldError(error, "password")}
          hint={<a href="/reset">{t("auth.forgot")}</a>}
        />
      </Form>
      {signUpEnabled && (
        <p className="auth-switch">
          {t("auth.noAccount")} <a href={`/signup${next !== "/account" ? `?next=${encodeURIComponent(next)}` : ""}`}>{t("auth.createAccount")}</a>
        </p>
      )}
    </div>
  );
}

export default function SignIn({ messages, ...props }: SignInProps) {
  return (
    <I18nProvider bundle={messages}>
      <SignInForm {...props} />
    </I18nProvider>
  );
}
