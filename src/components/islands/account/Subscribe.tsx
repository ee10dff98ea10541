/**
 * Subscribing to a product from the account pages (`/account/subscribe?
 * product=<id>`), for every product the user may see, including those that
 * have no public page: a name for the subscription, the product's terms to
 * accept when it has some, and the resulting state explained.
 */
import { useEffect, useState } from "react";
import { api, type ProductDetail, type Subscription } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider, useI18n } from "../shared/i18n.tsx";
import { StateBadge } from "../shared/subscription.tsx";
import { Terms } from "../shared/Terms.tsx";
import { CheckboxField, Field, fieldError, Form, Loading, LoadFailure, Notice, useLoad } from "../shared/ui.tsx";

export function SubscribeResult({ subscription }: { subscription: Subscription }) {
  const { t } = useI18n();
  const active = subscription.state === "active";
  return (
    <Notice tone={active ? "success" : "info"} role="status" title={t(active ? "account.subscribedTitle" : "account.requestSent")}>
      <p>
        <StateBadge state={subscription.state} /> {t(active ? "account.subscribedText" : "account.requestSentText", { product: subscription.productTitle })}
      </p>
      <p>
        <a className="button button-primary" href={`/account#sub-${subscription.id}`}>
          {t(active ? "account.showKeys" : "account.toSubscriptions")}
        </a>
      </p>
    </Notice>
  );
}

function SubscribeForm({ product }: { product: ProductDetail }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [accept, setAccept] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Subscription | null>(null);
  if (result) return <SubscribeResult subscription={result} />;
  if (!product.subscriptionRequired) {
    return (
      <Notice title={product.title} role="status">
        <p>{t("account.openProduct")}</p>
      </Notice>
    );
  }
  const hasTerms = product.terms !== null && product.terms.trim() !== "";
  return (
    <div className="box section">
      <h2>{product.title}</h2>
      {product.summary && <p className="muted">{product.summary}</p>}
      {product.approvalRequired && (
        <Notice tone="warning" role="note" title={t("account.needsApproval")}>
          <p>{t("account.approvalText")}</p>
        </Notice>
      )}
      <Form
        error={error}
        submitLabel={t(product.approvalRequired ? "account.request" : "account.subscribe")}
        onSubmit={async () => {
          setError(null);
          try {
            setResult(await api.subscribe({ product: product.id, name: name.trim() || undefined, acceptTerms: hasTerms ? accept : undefined }));
          } catch (err) {
            setError(err);
          }
        }}
      >
        <Field
          label={t("account.subName")}
          value={name}
          onChange={setName}
          maxLength={100}
          placeholder={product.title}
          hint={t("account.subNameHint")}
          error={fieldError(error, "name")}
        />
        {hasTerms && (
          <div className="field">
            <h3 className="fieldset-label" id="terms-heading">
              {t("account.terms")}
            </h3>
            <div className="terms-box" tabIndex={0} role="region" aria-labelledby="terms-heading">
              <Terms markdown={product.terms!} />
            </div>
            <CheckboxField label={t("account.acceptTerms", { product: product.title })} checked={accept} onChange={setAccept} required error={fieldError(error, "acceptTerms")} />
          </div>
        )}
      </Form>
    </div>
  );
}

function SubscribeView() {
  const { t } = useI18n();
  const [productId, setProductId] = useState<string | null | undefined>(undefined);
  useEffect(() => setProductId(new URLSearchParams(location.search).get("product")), []);
  // Signed in first: a guest who followed a product's "Subscribe" is asked to sign in and comes back here.
  const loaded = useLoad(async () => {
    if (!productId) return null;
    const [, product] = await Promise.all([api.me(), api.product(productId)]);
    return product;
  }, [productId]);
  if (productId === undefined) return <Loading />;
  if (productId === null) {
    return (
      <p>
        {t("account.chooseProduct")} <a href="/account">{t("account.tab.subscriptions")}</a>
      </p>
    );
  }
  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  return <SubscribeForm product={loaded.data} />;
}

export default function Subscribe({ messages }: { messages: MessageBundle }) {
  return (
    <I18nProvider bundle={messages}>
      <SubscribeView />
    </I18nProvider>
  );
}
