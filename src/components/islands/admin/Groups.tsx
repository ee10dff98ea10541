/**
 * Administration → Groups: every group (built-in, from groups.yaml, made
 * here) with its member count; create a group; open one to add members by
 * e-mail address and remove them. Groups made here can be deleted; the
 * others are changed in content. The open group is kept in the URL.
 */
import { useEffect, useState } from "react";
import { api, type Group, type GroupMember } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { useI18n } from "../shared/i18n.tsx";
import { ErrorAlert } from "../shared/errors.tsx";
import { ConfirmDialog, Field, fieldError, Form, Loading, LoadFailure, TableWrap, useLoad } from "../shared/ui.tsx";
import { AdminIsland, TextAreaField, useOutcome } from "./common.tsx";

function CreateGroup({ onCreated }: { onCreated(g: Group): void }) {
  const { t } = useI18n();
  const [id, setId] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [idEdited, setIdEdited] = useState(false);
  const slug = (s: string) =>
    s
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63);
  return (
    <Form
      label={t("admin.createGroup")}
      submitLabel={t("admin.createGroup")}
      error={error}
      onSubmit={async () => {
        setError(null);
        try {
          const g = await api.admin.createGroup({ id, name: name.trim(), description: description.trim() || undefined });
          setId("");
          setName("");
          setDescription("");
          setIdEdited(false);
          onCreated(g);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <div className="two-columns">
        <Field
          label={t("admin.groupName")}
          value={name}
          onChange={(v) => {
            setName(v);
            if (!idEdited) setId(slug(v));
          }}
          required
          maxLength={100}
          error={fieldError(error, "name")}
        />
        <Field
          label={t("admin.groupId")}
          value={id}
          onChange={(v) => {
            setIdEdited(true);
            setId(v);
          }}
          required
          maxLength={63}
          pattern="[a-z0-9][a-z0-9-]*"
          spellCheck={false}
          hint={t("admin.groupIdHint")}
          error={fieldError(error, "id")}
        />
      </div>
      <TextAreaField label={t("admin.groupDescription")} value={description} onChange={setDescription} />
    </Form>
  );
}

function Members({ group, onCount, announce }: { group: Group; onCount(delta: number): void; announce(text: string): void }) {
  const { t, date } = useI18n();
  const members = useLoad(async () => (await api.admin.members(group.id)).members, [group.id]);
  const [email, setEmail] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [lookup, setLookup] = useState<string | undefined>(undefined);
  const [removing, setRemoving] = useState<GroupMember | null>(null);
  const label = (m: { name: string; email: string }) => m.name || m.email;

  return (
    <section className="section box" aria-labelledby="members-title" data-members={group.id}>
      <div className="section-head">
        <h2 id="members-title">{t("admin.membersTitle", { group: group.name })}</h2>
      </div>
      {group.description && <p className="muted">{group.description}</p>}
      {members.error ? (
        <ErrorAlert error={members.error} />
      ) : !members.data ? (
        <Loading />
      ) : members.data.length === 0 ? (
        <p className="muted">{t("admin.noMembers")}</p>
      ) : (
        <TableWrap label={t("admin.membersTitle", { group: group.name })}>
          <table className="table">
            <caption className="sr-only">{t("admin.membersTitle", { group: group.name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.user")}</th>
                <th scope="col">{t("admin.added")}</th>
                <th scope="col" className="actions">
                  <span className="sr-only">{t("admin.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => (
                <tr key={m.id} data-member={m.email}>
                  <th scope="row">
                    {label(m)}
                    {m.name && <span className="cell-sub">{m.email}</span>}
                  </th>
                  <td>{date(m.addedAt)}</td>
                  <td className="actions">
                    <button type="button" className="button button-ghost-danger button-small" onClick={() => setRemoving(m)}>
                      {t("admin.removeMember")}
                      <span className="sr-only"> {label(m)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <Form
        className="inline-form"
        label={t("admin.addMember")}
        submitLabel={t("admin.addMember")}
        error={error}
        onSubmit={async () => {
          setError(null);
          setLookup(undefined);
          const wanted = email.trim().toLowerCase();
          if (wanted === "") return setLookup(t("admin.emailNeeded"));
          try {
            const found = (await api.admin.users({ search: wanted, limit: 20 })).users.find((u) => u.email.toLowerCase() === wanted);
            if (!found) return setLookup(t("admin.noSuchUser", { email: wanted }));
            const r = await api.admin.addMember(group.id, found.id);
            setEmail("");
            if (r.added) {
              onCount(1);
              members.reload();
              announce(t("admin.done.addMember", { user: label(found), group: group.name }));
            } else {
              announce(t("admin.alreadyMember", { user: label(found), group: group.name }));
            }
          } catch (err) {
            setError(err);
          }
        }}
      >
        <Field label={t("admin.memberEmail")} type="email" autoComplete="off" value={email} onChange={setEmail} required error={lookup} />
      </Form>
      <ConfirmDialog
        open={removing !== null}
        danger
        title={removing ? t("admin.removeTitle", { user: label(removing), group: group.name }) : ""}
        confirmLabel={t("admin.removeMember")}
        onClose={() => setRemoving(null)}
        onConfirm={async () => {
          const m = removing!;
          await api.admin.removeMember(group.id, m.id);
          members.set((members.data ?? []).filter((x) => x.id !== m.id));
          onCount(-1);
          announce(t("admin.done.removeMember", { user: label(m), group: group.name }));
        }}
      >
        <p>{t("admin.removeText")}</p>
      </ConfirmDialog>
    </section>
  );
}

function GroupsView() {
  const { t, number } = useI18n();
  const loaded = useLoad(async () => (await api.admin.groups()).groups);
  const [open, setOpen] = useState<string | null>(() => (typeof location === "undefined" ? null : new URLSearchParams(location.search).get("group")));
  const [deleting, setDeleting] = useState<Group | null>(null);
  const [outcome, announce] = useOutcome();
  useEffect(() => {
    history.replaceState(null, "", location.pathname + (open ? `?group=${encodeURIComponent(open)}` : ""));
  }, [open]);

  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const groups = loaded.data;
  const openGroup = groups.find((g) => g.id === open && g.memberCount !== null) ?? null;
  const count = (id: string, delta: number) => loaded.set(groups.map((g) => (g.id === id && g.memberCount !== null ? { ...g, memberCount: g.memberCount + delta } : g)));

  return (
    <div className="app-sections">
      {outcome}
      <section className="section" aria-labelledby="groups-title">
        <h2 id="groups-title" className="sr-only">
          {t("admin.tab.groups")}
        </h2>
        <TableWrap label={t("admin.groupsCaption")}>
          <table className="table" data-admin-groups>
            <caption className="sr-only">{t("admin.groupsCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.group")}</th>
                <th scope="col">{t("admin.source")}</th>
                <th scope="col" className="num">{t("admin.members")}</th>
                <th scope="col" className="actions">
                  <span className="sr-only">{t("admin.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.id} data-group={g.id} aria-current={g.id === openGroup?.id ? "true" : undefined}>
                  <th scope="row">
                    {g.name} <code className="small">{g.id}</code>
                    {g.description && <span className="cell-sub">{g.description}</span>}
                  </th>
                  <td>{t(`admin.source.${g.source}`)}</td>
                  <td className="num">{g.memberCount === null ? <span className="muted">{t(g.id === "guests" ? "admin.everyone" : "admin.everySignedIn")}</span> : number(g.memberCount)}</td>
                  <td className="actions">
                    {g.memberCount !== null && (
                      <button type="button" className="button button-secondary button-small" aria-expanded={g.id === openGroup?.id} aria-controls="members-panel" onClick={() => setOpen(g.id === open ? null : g.id)}>
                        {t("admin.manageMembers")}
                        <span className="sr-only"> {g.name}</span>
                      </button>
                    )}
                    {g.source === "api" && (
                      <button type="button" className="button button-ghost-danger button-small" onClick={() => setDeleting(g)}>
                        {t("admin.delete")}
                        <span className="sr-only"> {g.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <p className="small muted">{t("admin.groupsNote")}</p>
      </section>

      <div id="members-panel">{openGroup && <Members key={openGroup.id} group={openGroup} onCount={(d) => count(openGroup.id, d)} announce={announce} />}</div>

      <section className="section box" aria-labelledby="create-title">
        <h2 id="create-title">{t("admin.createGroup")}</h2>
        <p className="muted">{t("admin.createGroupText")}</p>
        <CreateGroup
          onCreated={(g) => {
            loaded.set([...groups, g]);
            setOpen(g.id);
            announce(t("admin.done.createGroup", { group: g.name }));
          }}
        />
      </section>

      <ConfirmDialog
        open={deleting !== null}
        danger
        title={deleting ? t("admin.deleteGroupTitle", { group: deleting.name }) : ""}
        confirmLabel={t("admin.delete")}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          const g = deleting!;
          await api.admin.deleteGroup(g.id);
          if (open === g.id) setOpen(null);
          loaded.set(groups.filter((x) => x.id !== g.id));
          announce(t("admin.done.deleteGroup", { group: g.name }));
        }}
      >
        <p>{t("admin.deleteGroupText")}</p>
      </ConfirmDialog>
    </div>
  );
}

export default function Groups({ messages }: { messages: MessageBundle }) {
  return (
    <AdminIsland messages={messages}>
      <GroupsView />
    </AdminIsland>
  );
}
