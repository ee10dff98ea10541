/**
 * Administration → Users: accounts searched by address or name and
 * filtered by state, each with its groups; invite someone (optionally
 * into groups), block and unblock, and delete (their subscriptions are
 * cancelled, their usage kept without their name).
 */
import { useEffect, useState } from "react";
import { api, type Group, type User, type UserState } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { useI18n } from "../shared/i18n.tsx";
import { ErrorAlert } from "../shared/errors.tsx";
import { CheckboxField, ConfirmDialog, Field, fieldError, Form, Loading, LoadFailure, SelectField, TableWrap, useLoad } from "../shared/ui.tsx";
import { AdminIsland, MoreButton, NoteDialog, useOutcome } from "./common.tsx";

const STATES: UserState[] = ["active", "invited", "blocked"];
const TONE: Record<UserState, string> = { active: "badge-success", invited: "badge-accent", blocked: "badge-danger" };
const PAGE = 50;

function InviteForm({ groups, onInvited }: { groups: Group[]; onInvited(user: User): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const assignable = groups.filter((g) => g.memberCount !== null);
  return (
    <Form
      label={t("admin.inviteTitle")}
      submitLabel={t("admin.invite")}
      error={error}
      onSubmit={async () => {
        setError(null);
        try {
          const user = await api.admin.invite({ email: email.trim(), name: name.trim() || undefined, groups: chosen.length > 0 ? chosen : undefined });
          setEmail("");
          setName("");
          setChosen([]);
          onInvited(user);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <div className="two-columns">
        <Field label={t("admin.email")} type="email" autoComplete="off" value={email} onChange={setEmail} required maxLength={254} error={fieldError(error, "email")} />
        <Field label={t("admin.name")} autoComplete="off" value={name} onChange={setName} maxLength={200} error={fieldError(error, "name")} />
      </div>
      {assignable.length > 0 && (
        <fieldset className="plain checkbox-group">
          <legend className="fieldset-label">{t("admin.inviteGroups")}</legend>
          {assignable.map((g) => (
            <CheckboxField
              key={g.id}
              label={g.name}
              checked={chosen.includes(g.id)}
              onChange={(on) => setChosen((c) => (on ? [...c, g.id] : c.filter((x) => x !== g.id)))}
            />
          ))}
        </fieldset>
      )}
    </Form>
  );
}

function UsersView() {
  const { t, date, relative } = useI18n();
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState({ search: "", state: "" as UserState | "" });
  const [pages, setPages] = useState(1);
  const [blocking, setBlocking] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [rowError, setRowError] = useState<unknown>(null);
  const [outcome, announce] = useOutcome();

  // Search as one types, a moment after the last key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setPages(1);
      setQuery((q) => (q.search === search.trim() ? q : { ...q, search: search.trim() }));
    }, 250);
    return () => clearTimeout(timer);
  }, [search]);

  const groups = useLoad(async () => (await api.admin.groups()).groups);
  const me = useLoad(() => api.me());
  const list = useLoad(() => api.admin.users({ search: query.search || undefined, state: query.state || undefined, limit: PAGE * pages }), [query, pages]);

  if (list.error && !list.data) return <LoadFailure error={list.error} />;
  if (groups.error && !groups.data) return <LoadFailure error={groups.error} />;
  if (!list.data || !groups.data) return <Loading />;
  const { users, total } = list.data;
  const replace = (u: User) => list.set({ users: users.map((x) => (x.id === u.id ? u : x)), total });
  const groupName = (id: string) => groups.data!.find((g) => g.id === id)?.name ?? id;
  const label = (u: User) => u.name || u.email;

  return (
    <div className="app-sections">
      {outcome}
      <section className="section" aria-labelledby="users-title" aria-busy={list.loading}>
        <div className="section-head">
          <h2 id="users-title">{t("admin.usersTitle", { count: total })}</h2>
        </div>
        <div className="toolbar" role="search">
          <Field className="field-wide" label={t("admin.search")} type="search" value={search} onChange={setSearch} placeholder={t("admin.searchHint")} />
          <SelectField
            label={t("admin.state")}
            value={query.state}
            onChange={(v) => {
              setPages(1);
              setQuery((q) => ({ ...q, state: v as UserState | "" }));
            }}
            options={[{ value: "", label: t("admin.allStates") }, ...STATES.map((s) => ({ value: s, label: t(`admin.userState.${s}`) }))]}
          />
        </div>
        <ErrorAlert error={rowError ?? (list.data && list.error)} />
        {users.length === 0 ? (
          <div className="empty">
            <p>{t("admin.noUsers")}</p>
          </div>
        ) : (
          <TableWrap label={t("admin.usersCaption")}>
            <table className="table" data-admin-users>
              <caption className="sr-only">{t("admin.usersCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.user")}</th>
                  <th scope="col">{t("admin.state")}</th>
                  <th scope="col">{t("admin.groups")}</th>
                  <th scope="col">{t("admin.joined")}</th>
                  <th scope="col">{t("admin.lastSignIn")}</th>
                  <th scope="col" className="actions">
                    <span className="sr-only">{t("admin.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} data-user={u.email} data-state={u.state}>
                    <th scope="row">
                      {u.name || u.email}
                      {u.id === me.data?.id && <span className="badge badge-accent you">{t("admin.you")}</span>}
                      {u.name && <span className="cell-sub">{u.email}</span>}
                      {!u.emailVerified && u.state !== "invited" && <span className="cell-sub">{t("admin.unverified")}</span>}
                    </th>
                    <td>
                      <span className={`badge ${TONE[u.state]}`}>{t(`admin.userState.${u.state}`)}</span>
                    </td>
                    <td>{u.groups.length === 0 ? <span className="muted">{t("common.none")}</span> : u.groups.map(groupName).join(", ")}</td>
                    <td>{date(u.createdAt)}</td>
                    <td>{u.lastSignInAt ? relative(u.lastSignInAt) : <span className="muted">{t("common.never")}</span>}</td>
                    <td className="actions">
                      {u.id === me.data?.id ? (
                        <a className="button button-secondary button-small" href="/account/profile">
                          {t("admin.yourProfile")}
                        </a>
                      ) : u.state === "blocked" ? (
                        <button
                          type="button"
                          className="button button-secondary button-small"
                          onClick={async () => {
                            setRowError(null);
                            try {
                              replace(await api.admin.unblock(u.id));
                              announce(t("admin.done.unblock", { user: label(u) }));
                            } catch (err) {
                              setRowError(err);
                            }
                          }}
                        >
                          {t("admin.unblock")}
                          <span className="sr-only"> {label(u)}</span>
                        </button>
                      ) : (
                        <button type="button" className="button button-ghost-danger button-small" onClick={() => setBlocking(u)}>
                          {t("admin.block")}
                          <span className="sr-only"> {label(u)}</span>
                        </button>
                      )}
                      {u.id !== me.data?.id && (
                        <button type="button" className="button button-ghost-danger button-small" onClick={() => setDeleting(u)}>
                          {t("admin.delete")}
                          <span className="sr-only"> {label(u)}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <MoreButton shown={users.length} total={total} busy={list.loading} onMore={() => setPages((n) => n + 1)} />
      </section>

      <section className="section box" aria-labelledby="invite-title">
        <h2 id="invite-title">{t("admin.inviteTitle")}</h2>
        <p className="muted">{t("admin.inviteText")}</p>
        <InviteForm
          groups={groups.data}
          onInvited={(u) => {
            list.set({ users: [...users, u], total: total + 1 });
            announce(t("admin.done.invite", { email: u.email }));
          }}
        />
      </section>

      <NoteDialog
        open={blocking !== null}
        title={blocking ? t("admin.blockTitle", { user: label(blocking) }) : ""}
        confirmLabel={t("admin.block")}
        danger
        noteLabel={t("admin.blockReason")}
        onClose={() => setBlocking(null)}
        onConfirm={async (note) => {
          const u = blocking!;
          replace(await api.admin.block(u.id, note || undefined));
          announce(t("admin.done.block", { user: label(u) }));
        }}
      >
        <p>{t("admin.blockText")}</p>
      </NoteDialog>

      <ConfirmDialog
        open={deleting !== null}
        danger
        title={deleting ? t("admin.deleteTitle", { user: label(deleting) }) : ""}
        confirmLabel={t("admin.deleteConfirm")}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const u = deleting!;
          await api.admin.deleteUser(u.id);
          list.set({ users: users.filter((x) => x.id !== u.id), total: total - 1 });
          announce(t("admin.done.delete", { user: label(u) }));
        }}
      >
        <p>{t("admin.deleteText")}</p>
      </ConfirmDialog>
    </div>
  );
}

export default function Users({ messages }: { messages: MessageBundle }) {
  return (
    <AdminIsland messages={messages}>
      <UsersView />
    </AdminIsland>
  );
}
