/**
 * Administration → Subscriptions: everyone's subscriptions, newest first,
 * filtered by state and product (kept in the URL), with the decisions each
 * state allows: suspend and cancel an active one, reactivate or cancel a
 * suspended one; requests are decided on the approvals page.
 */
import { useEffect, useState } from "react";
import { api, type AdminSubscription, type Product, type SubscriptionState } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { useI18n } from "../shared/i18n.tsx";
import { StateBadge } from "../shared/subscription.tsx";
import { Loading, LoadFailure, SelectField, TableWrap, useLoad } from "../shared/ui.tsx";
import { ErrorAlert } from "../shared/errors.tsx";
import { AdminIsland, personLabel, MoreButton, NoteDialog, useOutcome, Who } from "./common.tsx";

const STATES: SubscriptionState[] = ["submitted", "active", "suspended", "rejected", "cancelled", "expired"];
const PAGE = 50;
type Action = "suspend" | "reactivate" | "cancel";
const ACTIONS: Record<SubscriptionState, Action[]> = {
  submitted: ["cancel"],
  active: ["suspend", "cancel"],
  suspended: ["reactivate", "cancel"],
  rejected: [],
  cancelled: [],
  expired: [],
};

/** The filter in the page's address (none while the page is built). */
function readFilter(): { state: SubscriptionState | ""; product: string } {
  const q = new URLSearchParams(typeof location === "undefined" ? "" : location.search);
  const state = q.get("state") as SubscriptionState | null;
  return { state: state && STATES.includes(state) ? state : "", product: q.get("product") ?? "" };
}

function SubscriptionsView() {
  const { t, date } = useI18n();
  const [filter, setFilter] = useState(readFilter);
  const [pages, setPages] = useState(1);
  const [pending, setPending] = useState<{ action: Action; subscription: AdminSubscription } | null>(null);
  const [outcome, announce] = useOutcome();
  useEffect(() => {
    const q = new URLSearchParams();
    if (filter.state) q.set("state", filter.state);
    if (filter.product) q.set("product", filter.product);
    const s = q.toString();
    history.replaceState(null, "", location.pathname + (s ? `?${s}` : ""));
  }, [filter]);

  const products = useLoad<Product[]>(async () => (await api.products()).products);
  const list = useLoad(
    () => api.admin.subscriptions({ state: filter.state || undefined, product: filter.product || undefined, limit: PAGE * pages }),
    [filter.state, filter.product, pages],
  );

  if (list.error && !list.data) return <LoadFailure error={list.error} />;
  if (!list.data || !products.data) return products.error ? <LoadFailure error={products.error} /> : <Loading />;
  const { subscriptions, total } = list.data;
  const replace = (next: AdminSubscription) => list.set({ subscriptions: subscriptions.map((s) => (s.id === next.id ? next : s)), total });
  const change = (patch: Partial<typeof filter>) => {
    setPages(1);
    setFilter((f) => ({ ...f, ...patch }));
  };
  const who = (s: AdminSubscription) => personLabel(s.user, t("admin.deletedUser"));

  return (
    <div className="app-sections">
      {outcome}
      <section className="section" aria-label={t("admin.filters")}>
        <div className="toolbar">
          <SelectField
            label={t("admin.state")}
            value={filter.state}
            onChange={(v) => change({ state: v as SubscriptionState | "" })}
            options={[{ value: "", label: t("admin.allStates") }, ...STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))]}
          />
          <SelectField
            label={t("usage.product")}
            value={filter.product}
            onChange={(v) => change({ product: v })}
            options={[{ value: "", label: t("usage.allProducts") }, ...products.data.map((p) => ({ value: p.id, label: p.title }))]}
          />
        </div>
      </section>
      <section className="section" aria-labelledby="subs-title" aria-busy={list.loading}>
        <h2 id="subs-title" className="sr-only">
          {t("admin.tab.subscriptions")}
        </h2>
        {list.error && <ErrorAlert error={list.error} />}
        {subscriptions.length === 0 ? (
          <div className="empty">
            <p>{t("admin.noSubscriptions")}</p>
          </div>
        ) : (
          <TableWrap label={t("admin.subscriptionsCaption")}>
            <table className="table" data-admin-subscriptions>
              <caption className="sr-only">{t("admin.subscriptionsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin.subscription")}</th>
                  <th scope="col">{t("admin.user")}</th>
                  <th scope="col">{t("admin.state")}</th>
                  <th scope="col">{t("admin.created")}</th>
                  <th scope="col" className="actions">
                    <span className="sr-only">{t("admin.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {subscriptions.map((s) => (
                  <tr key={s.id} data-subscription={s.id} data-state={s.state}>
                    <th scope="row">
                      {s.name}
                      <span className="cell-sub">{s.productTitle}</span>
                    </th>
                    <td>
                      <Who user={s.user} />
                    </td>
                    <td>
                      <StateBadge state={s.state} />
                      {s.stateComment && <span className="cell-sub">{t(s.state === "active" ? "state.note" : "state.reason", { reason: s.stateComment })}</span>}
                    </td>
                    <td>{date(s.createdAt)}</td>
                    <td className="actions">
                      {s.state === "submitted" && (
                        <a className="button button-secondary button-small" href="/admin">
                          {t("admin.decide")}
                        </a>
                      )}
                      {ACTIONS[s.state].map((action) => (
                        <button
                          key={action}
                          type="button"
                          className={`button button-small ${action === "reactivate" ? "button-secondary" : "button-ghost-danger"}`}
                          onClick={() => setPending({ action, subscription: s })}
                        >
                          {t(`admin.${action}`)}
                          <span className="sr-only"> {t("admin.subscriptionOf", { name: s.name, user: who(s) })}</span>
                        </button>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
        <MoreButton shown={subscriptions.length} total={total} busy={list.loading} onMore={() => setPages((n) => n + 1)} />
      </section>

      <NoteDialog
        open={pending !== null}
        title={pending ? t(`admin.${pending.action}Title`, { name: pending.subscription.name, user: who(pending.subscription) }) : ""}
        confirmLabel={pending ? t(`admin.${pending.action}`) : ""}
        danger={pending?.action !== "reactivate"}
        noteLabel={t("admin.note")}
        noteHint={t("admin.noteHint")}
        onClose={() => setPending(null)}
        onConfirm={async (note) => {
          const { action, subscription } = pending!;
          const updated = await api.admin[action](subscription.id, note || undefined);
          replace(updated);
          announce(t(`admin.done.${action}`, { name: updated.name, user: who(updated) }));
        }}
      >
        <p>{pending ? t(`admin.${pending.action}Text`) : ""}</p>
      </NoteDialog>
    </div>
  );
}

export default function Subscriptions({ messages }: { messages: MessageBundle }) {
  return (
    <AdminIsland messages={messages}>
      <SubscriptionsView />
    </AdminIsland>
  );
}
