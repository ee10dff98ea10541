/**
 * My account → Profile: name and the portal's custom fields, the e-mail
 * address (changed through a link sent to the new one), the password,
 * where one is signed in, and deleting the account.
 */
import { useState } from "react";
import { api, type Me, type Session, type SignUpField } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { ErrorAlert } from "../shared/errors.tsx";
import { CheckboxField, ConfirmDialog, Field, fieldError, Form, Loading, LoadFailure, Notice, SelectField, TableWrap, useLoad } from "../shared/ui.tsx";

function ProfileForm({ me, fields, onSaved }: { me: Me; fields: SignUpField[]; onSaved(me: Me): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(me.name);
  const [custom, setCustom] = useState<Record<string, unknown>>(me.customFields);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  return (
    <section className="box" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("account.profile")}</h2>
      <p className="muted">{t("account.profileIntro")}</p>
      {saved && (
        <Notice tone="success" role="status">
          <p>{t("account.profileSaved")}</p>
        </Notice>
      )}
      <Form
        error={error}
        submitLabel={t("common.save")}
        onSubmit={async () => {
          setError(null);
          setSaved(false);
          try {
            const customFields: Record<string, unknown> = {};
            for (const f of fields) customFields[f.name] = f.type === "checkbox" ? custom[f.name] === true : String(custom[f.name] ?? "").trim();
            onSaved(await api.updateMe({ name: name.trim(), ...(fields.length > 0 ? { customFields } : {}) }));
            setSaved(true);
          } catch (err) {
            setError(err);
          }
        }}
      >
        <Field label={t("form.name")} autoComplete="name" required maxLength={200} value={name} onChange={setName} error={fieldError(error, "name")} />
        {fields.map((f) =>
          f.type === "checkbox" ? (
            <CheckboxField key={f.name} label={f.label} checked={custom[f.name] === true} onChange={(v) => setCustom((c) => ({ ...c, [f.name]: v }))} error={fieldError(error, f.name)} />
          ) : f.type === "select" ? (
            <SelectField
              key={f.name}
              label={f.label}
              required={f.required}
              value={String(custom[f.name] ?? "")}
              onChange={(v) => setCustom((c) => ({ ...c, [f.name]: v }))}
              placeholder={t("form.choose")}
              options={(f.options ?? []).map((o) => ({ value: o, label: o }))}
              error={fieldError(error, f.name)}
            />
          ) : (
            <Field
              key={f.name}
              label={f.label}
              type={f.type}
              required={f.required}
              maxLength={f.maxLength}
              value={String(custom[f.name] ?? "")}
              onChange={(v) => setCustom((c) => ({ ...c, [f.name]: v }))}
              error={fieldError(error, f.name)}
            />
          ),
        )}
      </Form>
    </section>
  );
}

function EmailForm({ me }: { me: Me }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  return (
    <section className="box" aria-labelledby="email-title">
      <h2 id="email-title">{t("account.email")}</h2>
      <p className="muted">
        {t("account.emailCurrent", { email: me.email })}{" "}
        <span className={`badge ${me.emailVerified ? "badge-success" : "badge-warning"}`}>{t(me.emailVerified ? "account.verified" : "account.unverified")}</span>
      </p>
      {sent ? (
        <Notice tone="success" role="status" title={t("account.checkInbox")}>
          <p>{t("account.emailSent", { email: sent })}</p>
        </Notice>
      ) : (
        <Form
          error={error}
          submitLabel={t("account.emailChange")}
          onSubmit={async () => {
            setError(null);
            try {
              await api.changeEmail(email.trim(), me.hasPassword ? password : undefined);
              setSent(email.trim());
              setPassword("");
            } catch (err) {
              setError(err);
            }
          }}
        >
          <Field label={t("account.newEmail")} type="email" autoComplete="email" required value={email} onChange={setEmail} error={fieldError(error, "email")} />
          {me.hasPassword && (
            <Field label={t("form.currentPassword")} type="password" autoComplete="current-password" required value={password} onChange={setPassword} error={fieldError(error, "password")} />
          )}
        </Form>
      )}
    </section>
  );
}

function PasswordForm({ me }: { me: Me }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  return (
    <section className="box" aria-labelledby="password-title">
      <h2 id="password-title">{t("form.password")}</h2>
      <p className="muted">{t(me.hasPassword ? "account.passwordIntro" : "account.passwordIntroSso")}</p>
      {done && (
        <Notice tone="success" role="status">
          <p>{t("account.passwordChanged")}</p>
        </Notice>
      )}
      <Form
        error={error}
        submitLabel={t(me.hasPassword ? "account.passwordChange" : "account.passwordSet")}
        onSubmit={async () => {
          setError(null);
          setDone(false);
          if (next !== repeat) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          try {
            await api.changePassword(next, me.hasPassword ? current : undefined);
            setCurrent("");
            setNext("");
            setRepeat("");
            setDone(true);
          } catch (err) {
            setError(err);
          }
        }}
      >
        {me.hasPassword && (
          <Field
            label={t("form.currentPassword")}
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={setCurrent}
            error={fieldError(error, "currentPassword")}
          />
        )}
        <Field
          label={t("form.newPassword")}
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={setNext}
          hint={t("form.passwordHint", { count: 10 })}
          error={fieldError(error, "newPassword")}
        />
        <Field label={t("form.repeatPassword")} type="password" autoComplete="new-password" required value={repeat} onChange={setRepeat} error={mismatch ? t("form.passwordsDiffer") : undefined} />
      </Form>
    </section>
  );
}

/** "Firefox on Linux" from a user-agent string, roughly; the full string is in the title. */
function device(ua: string | null, t: (k: string) => string): string {
  if (!ua) return t("account.unknownDevice");
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /curl|undici|node/i.test(ua) ? ua.split(/[/ ]/)[0]! : t("account.browser");
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X|Macintosh/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} · ${os}` : browser;
}

function Sessions() {
  const { t, dateTime, relative } = useI18n();
  const loaded = useLoad(() => api.sessions());
  const [error, setError] = useState<unknown>(null);
  const end = async (s: Session) => {
    setError(null);
    try {
      await api.endSession(s.id);
      loaded.set({ sessions: loaded.data!.sessions.filter((x) => x.id !== s.id) });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="box" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t("account.sessions")}</h2>
      <p className="muted">{t("account.sessionsIntro")}</p>
      <ErrorAlert error={error} />
      {loaded.error ? (
        <LoadFailure error={loaded.error} />
      ) : !loaded.data ? (
        <Loading />
      ) : (
        <TableWrap label={t("account.sessions")}>
          <table className="table">
            <caption className="sr-only">{t("account.sessions")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("account.device")}</th>
                <th scope="col">{t("account.signedInAt")}</th>
                <th scope="col">{t("account.lastSeen")}</th>
                <th scope="col">
                  <span className="sr-only">{t("account.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row" title={s.userAgent ?? undefined}>
                    {device(s.userAgent, t)}
                    {s.ip && <span className="cell-sub">{s.ip}</span>}
                  </th>
                  <td>{dateTime(s.createdAt)}</td>
                  <td>{relative(s.lastSeenAt)}</td>
                  <td className="actions">
                    {s.current ? (
                      <span className="badge badge-accent">{t("account.thisBrowser")}</span>
                    ) : (
                      <button type="button" className="button button-secondary button-small" onClick={() => end(s)}>
                        {t("account.endSession")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function DeleteAccount({ me }: { me: Me }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  return (
    <section className="box danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">{t("account.delete")}</h2>
      <p className="muted">{t("account.deleteIntro")}</p>
      <p>
        <button type="button" className="button button-ghost-danger" onClick={() => setOpen(true)}>
          {t("account.deleteButton")}
        </button>
      </p>
      <ConfirmDialog
        open={open}
        danger
        title={t("account.deleteTitle")}
        confirmLabel={t("account.deleteConfirm")}
        confirmDisabled={me.hasPassword && password === ""}
        onClose={() => {
          setOpen(false);
          setPassword("");
        }}
        onConfirm={async () => {
          await api.deleteAccount(me.hasPassword ? password : undefined);
          location.assign("/");
        }}
      >
        <p>{t("account.deleteText")}</p>
        {me.hasPassword && <Field label={t("form.currentPassword")} type="password" autoComplete="current-password" required value={password} onChange={setPassword} />}
      </ConfirmDialog>
    </section>
  );
}

function ProfileView() {
  const loaded = useLoad(async () => {
    const [me, portal] = await Promise.all([api.me(), api.portal()]);
    return { me, fields: portal.signUp.fields };
  });
  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { me, fields } = loaded.data;
  return (
    <div className="two-columns">
      <div className="app-sections">
        <ProfileForm me={me} fields={fields} onSaved={(m) => loaded.set({ me: m, fields })} />
        <EmailForm me={me} />
      </div>
      <div className="app-sections">
        <PasswordForm me={me} />
        <Sessions />
        <DeleteAccount me={me} />
      </div>
    </div>
  );
}

export default function Profile({ messages }: { messages: MessageBundle }) {
  return (
    <I18nProvider bundle={messages}>
      <ProfileView />
    </I18nProvider>
  );
}
