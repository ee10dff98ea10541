/**
 * My account → Usage: one's own calls, per subscription, API and operation.
 * An administrator's account page shows their own calls too (the admin
 * pages show everyone's), so the view always names the signed-in user.
 */
import { api } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { I18nProvider } from "../shared/i18n.tsx";
import { Loading, LoadFailure, useLoad } from "../shared/ui.tsx";
import { UsageView } from "../shared/UsageView.tsx";

function AccountUsage() {
  const loaded = useLoad(async () => {
    const [me, subs, apis] = await Promise.all([api.me(), api.subscriptions(), api.apis()]);
    return { me, subscriptions: subs.subscriptions, apis: apis.apis };
  });
  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { me, subscriptions, apis } = loaded.data;
  return (
    <UsageView
      userId={me.id}
      subscriptions={subscriptions.map((s) => ({ value: s.id, label: `${s.name} (${s.productTitle})` }))}
      apis={apis.map((a) => ({ value: a.id, label: a.title }))}
      dimensions={["subscription", "api", "operation"]}
    />
  );
}

export default function Usage({ messages }: { messages: MessageBundle }) {
  return (
    <I18nProvider bundle={messages}>
      <AccountUsage />
    </I18nProvider>
  );
}
