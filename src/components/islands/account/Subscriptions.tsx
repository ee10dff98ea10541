/**
 * My account → Subscriptions: each subscription with its state explained,
 * its keys, rename and cancel; past ones folded away; and the products the
 * user may still subscribe to (from the API, so products that guests do
 * not see are offered to those who may).
 */
import { useEffect, useState } from "react";
import { api, type Api, type Product, type Subscription } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { StateBadge, StateExplanation } from "../shared/subscription.tsx";
import { ConfirmDialog, Field, fieldError, Form, Loading, LoadFailure, Notice, useLoad } from "../shared/ui.tsx";
import { Keys } from "./Keys.tsx";

const OPEN_STATES = new Set(["active", "submitted", "suspended"]);
const ORDER = ["active", "submitted", "suspended", "rejected", "cancelled", "expired"];

interface Data {
  subscriptions: Subscription[];
  products: Product[];
  apis: Api[];
}

function SubscriptionCard({ subscription, apis, onChange }: { subscription: Subscription; apis: Api[]; onChange(s: Subscription | null): void }) {
  const { t, date } = useI18n();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(subscription.name);
  const [renameError, setRenameError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const open = OPEN_STATES.has(subscription.state);
  const titleId = `sub-${subscription.id}-title`;
  const refApi = apis.find((a) => a.tryIt);

  return (
    <li className="box subscription" id={`sub-${subscription.id}`} aria-labelledby={titleId} data-subscription={subscription.id} data-state={subscription.state}>
      <div className="subscription-head">
        <div>
          <h3 className="subscription-title" id={titleId}>
            <span>{subscription.name}</span> <StateBadge state={subscription.state} />
          </h3>
          <p className="subscription-meta">
            {t("account.subMeta", { product: subscription.productTitle, date: date(subscription.createdAt) })}
            {apis.length > 0 && <> · {t("account.subApis", { apis: apis.map((a) => a.title).join(", ") })}</>}
          </p>
        </div>
        {open && (
          <div className="subscription-actions">
            {subscription.state === "active" && (
              <a className="button button-secondary button-small" href={`/account/usage?subscription=${encodeURIComponent(subscription.id)}`}>
                {t("account.viewUsage")}
              </a>
            )}
            {subscription.state === "active" && refApi && (
              <a className="button button-secondary button-small" href={`/apis/${refApi.id}/reference`}>
                {t("account.tryIt")}
              </a>
            )}
            <button type="button" className="button button-secondary button-small" aria-expanded={renaming} onClick={() => setRenaming((r) => !r)}>
              {t("account.rename")}
            </button>
            <button type="button" className="button button-ghost-danger button-small" onClick={() => setCancelling(true)}>
              {t("account.cancelSub")}
            </button>
          </div>
        )}
      </div>
      <StateExplanation state={subscription.state} comment={subscription.stateComment} />
      {renaming && (
        <Form
          className="inline-form"
          error={renameError}
          submitLabel={t("common.save")}
          label={t("account.rename")}
          secondary={
            <button type="button" className="button button-secondary" onClick={() => setRenaming(false)}>
              {t("common.cancel")}
            </button>
          }
          onSubmit={async () => {
            setRenameError(null);
            try {
              onChange(await api.renameSubscription(subscription.id, name.trim()));
              setRenaming(false);
            } catch (err) {
              setRenameError(err);
            }
          }}
        >
          <Field label={t("account.subName")} value={name} onChange={setName} required maxLength={100} error={fieldError(renameError, "name")} autoFocus />
        </Form>
      )}
      {open && <Keys subscription={subscription} onRegenerated={(slot, start) => onChange({ ...subscription, [slot === "primary" ? "primaryKeyStart" : "secondaryKeyStart"]: start })} />}
      <ConfirmDialog
        open={cancelling}
        danger
        title={t("account.cancelTitle", { name: subscription.name })}
        confirmLabel={t("account.cancelConfirm")}
        onClose={() => setCancelling(false)}
        onConfirm={async () => {
          await api.cancelSubscription(subscription.id);
          onChange({ ...subscription, state: "cancelled", cancelledAt: new Date().toISOString() });
        }}
      >
        <p>{t(subscription.state === "submitted" ? "account.cancelRequestText" : "account.cancelText")}</p>
      </ConfirmDialog>
    </li>
  );
}

function Offer({ product, count }: { product: Product; count: number }) {
  const { t } = useI18n();
  const full = product.subscriptionsLimit !== null && count >= product.subscriptionsLimit;
  return (
    <li className="product-choice">
      <h3>
        {product.title}{" "}
        <span className={`badge ${product.approvalRequired ? "badge-warning" : "badge-accent"}`}>{t(product.approvalRequired ? "account.needsApproval" : "account.instant")}</span>
      </h3>
      {product.summary && <p className="small muted">{product.summary}</p>}
      {full ? (
        <p className="small">{t("account.limitReached", { count: product.subscriptionsLimit ?? 0 })}</p>
      ) : (
        <p>
          <a className="button button-secondary button-small" href={`/account/subscribe?product=${encodeURIComponent(product.id)}`}>
            {t(product.approvalRequired ? "account.request" : "account.subscribe")}
            <span className="sr-only"> {product.title}</span>
          </a>
        </p>
      )}
    </li>
  );
}

function SubscriptionsView() {
  const { t } = useI18n();
  const loaded = useLoad<Data>(async () => {
    const [subs, products, apis] = await Promise.all([api.subscriptions(), api.products(), api.apis()]);
    return { subscriptions: subs.subscriptions, products: products.products, apis: apis.apis };
  });
  const [highlight, setHighlight] = useState<string | null>(null);
  useEffect(() => {
    if (!loaded.data) return;
    const target = location.hash.slice(1);
    if (target.startsWith("sub-")) {
      setHighlight(target.slice(4));
      document.getElementById(target)?.scrollIntoView();
    }
  }, [loaded.data]);

  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { subscriptions, products, apis } = loaded.data;
  const update = (id: string, next: Subscription | null) =>
    loaded.set({ ...loaded.data!, subscriptions: next === null ? subscriptions.filter((s) => s.id !== id) : subscriptions.map((s) => (s.id === id ? next : s)) });
  const sorted = [...subscriptions].sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || b.createdAt.localeCompare(a.createdAt));
  const current = sorted.filter((s) => OPEN_STATES.has(s.state));
  const past = sorted.filter((s) => !OPEN_STATES.has(s.state));
  const apisOf = (productId: string) => {
    const ids = products.find((p) => p.id === productId)?.apis ?? [];
    return ids.map((id) => apis.find((a) => a.id === id)).filter((a): a is Api => a !== undefined);
  };
  const offers = products.filter((p) => p.subscriptionRequired && p.state === "published");
  const countOf = (productId: string) => subscriptions.filter((s) => s.productId === productId && (s.state === "active" || s.state === "submitted")).length;
  const card = (s: Subscription) => <SubscriptionCard key={s.id} subscription={s} apis={apisOf(s.productId)} onChange={(n) => update(s.id, n)} />;

  return (
    <div className="app-sections">
      <section className="section" aria-labelledby="subs-title">
        <div className="section-head">
          <h2 id="subs-title">{t("account.yourSubscriptions")}</h2>
        </div>
        {highlight && subscriptions.some((s) => s.id === highlight && s.state === "submitted") && (
          <Notice tone="info" role="status" title={t("account.requestSent")}>
            <p>{t("account.requestSentText")}</p>
          </Notice>
        )}
        {current.length === 0 ? (
          <div className="empty">
            <p>{t("account.noSubscriptions")}</p>
          </div>
        ) : (
          <ul className="subscriptions">{current.map(card)}</ul>
        )}
        {past.length > 0 && (
          <details className="past">
            <summary>{t("account.past", { count: past.length })}</summary>
            <ul className="subscriptions">{past.map(card)}</ul>
          </details>
        )}
      </section>
      {offers.length > 0 && (
        <section className="section" aria-labelledby="offers-title">
          <div className="section-head">
            <h2 id="offers-title">{t("account.addTitle")}</h2>
          </div>
          <p className="section-intro">{t("account.addIntro")}</p>
          <ul className="product-choices">
            {offers.map((p) => (
              <Offer key={p.id} product={p} count={countOf(p.id)} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

export default function Subscriptions({ messages }: { messages: MessageBundle }) {
  return (
    <I18nProvider bundle={messages}>
      <SubscriptionsView />
    </I18nProvider>
  );
}
