/**
 * Administration → Approvals: subscription requests waiting for a
 * decision, oldest first. Approving takes an optional note, rejecting a
 * required one; the subscriber is e-mailed either way (the API does it).
 */
import { useState } from "react";
import { api, type AdminSubscription, type SignUpField, type UserDetail } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { useI18n } from "../shared/i18n.tsx";
import { Loading, LoadFailure, useLoad } from "../shared/ui.tsx";
import { AdminIsland, personLabel, NoteDialog, useOutcome, Who } from "./common.tsx";

type Decision = { kind: "approve" | "reject"; subscription: AdminSubscription };

/** What the sign-up form asked, as "Company: DroneWorks", in the form's order. */
function answers(detail: UserDetail | undefined, fields: SignUpField[]): Array<[string, string]> {
  if (!detail) return [];
  const out: Array<[string, string]> = [];
  for (const f of fields) {
    const v = detail.customFields[f.name];
    if (v === undefined || v === null || v === "" || v === false) continue;
    out.push([f.label, v === true ? "✓" : String(v)]);
  }
  return out;
}

function Request({ subscription, detail, fields, onDecide }: { subscription: AdminSubscription; detail?: UserDetail; fields: SignUpField[]; onDecide(d: Decision): void }) {
  const { t, dateTime, relative } = useI18n();
  const others = (detail?.subscriptions ?? []).filter((s) => s.id !== subscription.id);
  const titleId = `req-${subscription.id}-title`;
  return (
    <li className="box request" aria-labelledby={titleId} data-request={subscription.id}>
      <div className="request-main">
        <h3 id={titleId} className="request-title">
          {t("admin.requestTitle", { product: subscription.productTitle })}
        </h3>
        <dl className="facts">
          <div>
            <dt>{t("admin.requestedBy")}</dt>
            <dd>
              <Who user={subscription.user} />
            </dd>
          </div>
          <div>
            <dt>{t("admin.subscriptionName")}</dt>
            <dd>{subscription.name}</dd>
          </div>
          <div>
            <dt>{t("admin.requestedAt")}</dt>
            <dd>
              <time dateTime={subscription.createdAt} title={dateTime(subscription.createdAt)}>
                {relative(subscription.createdAt)}
              </time>
            </dd>
          </div>
          <div>
            <dt>{t("admin.terms")}</dt>
            <dd>{subscription.termsAcceptedAt ? t("admin.termsAccepted", { date: dateTime(subscription.termsAcceptedAt) }) : t("admin.termsNone")}</dd>
          </div>
          {answers(detail, fields).map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
          {detail && (
            <div>
              <dt>{t("admin.otherSubscriptions")}</dt>
              <dd>{others.length === 0 ? t("common.none") : others.map((o) => `${o.productTitle} (${t(`state.${o.state}`)})`).join(", ")}</dd>
            </div>
          )}
        </dl>
      </div>
      <div className="request-actions">
        <button type="button" className="button button-primary button-small" onClick={() => onDecide({ kind: "approve", subscription })}>
          {t("admin.approve")}
          <span className="sr-only"> {t("admin.requestOf", { name: subscription.user?.email ?? subscription.name })}</span>
        </button>
        <button type="button" className="button button-ghost-danger button-small" onClick={() => onDecide({ kind: "reject", subscription })}>
          {t("admin.reject")}
          <span className="sr-only"> {t("admin.requestOf", { name: subscription.user?.email ?? subscription.name })}</span>
        </button>
      </div>
    </li>
  );
}

function ApprovalsView() {
  const { t } = useI18n();
  const loaded = useLoad(() => api.admin.approvals({ limit: 200 }));
  // Who is asking: their answers to the sign-up form and their other subscriptions, for the decision.
  const askers = loaded.data ? [...new Set(loaded.data.subscriptions.flatMap((s) => (s.user ? [s.user.id] : [])))].slice(0, 50).join(",") : null;
  const context = useLoad(async () => {
    if (askers === null) return null;
    const ids = askers === "" ? [] : askers.split(",");
    const [portal, ...details] = await Promise.all([api.portal(), ...ids.map((id) => api.admin.user(id).catch(() => null))]);
    return { fields: portal.signUp.fields, details: new Map(details.flatMap((d) => (d ? [[d.id, d] as const] : []))) };
  }, [askers]);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [outcome, announce] = useOutcome();

  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { subscriptions, total } = loaded.data;
  const who = (s: AdminSubscription) => personLabel(s.user, t("admin.deletedUser"));

  return (
    <div className="app-sections">
      {outcome}
      <section className="section" aria-labelledby="queue-title">
        <div className="section-head">
          <h2 id="queue-title">
            {t("admin.queueTitle")} <span className="badge badge-accent">{total}</span>
          </h2>
          <button type="button" className="button button-secondary button-small" onClick={loaded.reload} disabled={loaded.loading}>
            {t("usage.refresh")}
          </button>
        </div>
        {subscriptions.length === 0 ? (
          <div className="empty" data-empty-queue>
            <p>{t("admin.queueEmpty")}</p>
            <p className="small">{t("admin.queueEmptyText")}</p>
          </div>
        ) : (
          <ul className="requests">
            {subscriptions.map((s) => (
              <Request key={s.id} subscription={s} detail={s.user ? context.data?.details.get(s.user.id) : undefined} fields={context.data?.fields ?? []} onDecide={setDecision} />
            ))}
          </ul>
        )}
      </section>

      <NoteDialog
        open={decision !== null}
        title={decision ? t(decision.kind === "approve" ? "admin.approveTitle" : "admin.rejectTitle", { product: decision.subscription.productTitle, user: who(decision.subscription) }) : ""}
        confirmLabel={t(decision?.kind === "reject" ? "admin.reject" : "admin.approve")}
        danger={decision?.kind === "reject"}
        noteLabel={t(decision?.kind === "reject" ? "admin.rejectReason" : "admin.approveNote")}
        noteHint={t("admin.noteHint")}
        noteRequired={decision?.kind === "reject"}
        onClose={() => setDecision(null)}
        onConfirm={async (note) => {
          const d = decision!;
          const updated = d.kind === "approve" ? await api.admin.approve(d.subscription.id, note || undefined) : await api.admin.reject(d.subscription.id, note);
          loaded.set({ subscriptions: subscriptions.filter((s) => s.id !== updated.id), total: total - 1 });
          announce(t(d.kind === "approve" ? "admin.approved" : "admin.rejected", { product: updated.productTitle, user: who(updated) }));
        }}
      >
        <p>{t(decision?.kind === "reject" ? "admin.rejectText" : "admin.approveText")}</p>
      </NoteDialog>
    </div>
  );
}

export default function Approvals({ messages }: { messages: MessageBundle }) {
  return (
    <AdminIsland messages={messages}>
      <ApprovalsView />
    </AdminIsland>
  );
}
