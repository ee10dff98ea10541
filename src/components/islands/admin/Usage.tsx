/**
 * Administration → Usage: everyone's calls, filtered by user, product, API
 * and operation and broken down along each. The user list comes from an
 * administrators-only route, so someone else is told this page is not
 * theirs instead of being shown their own calls.
 */
import { api } from "../../../lib/api-client.ts";
import type { MessageBundle } from "../../../lib/client-i18n.ts";
import { Loading, LoadFailure, useLoad } from "../shared/ui.tsx";
import { UsageView } from "../shared/UsageView.tsx";
import { AdminIsland } from "./common.tsx";

function AdminUsage() {
  const loaded = useLoad(async () => {
    const users = await api.admin.users({ limit: 500 });
    const [products, apis] = await Promise.all([api.products(), api.apis()]);
    return { users: users.users, products: products.products, apis: apis.apis };
  });
  if (loaded.error) return <LoadFailure error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { users, products, apis } = loaded.data;
  return (
    <UsageView
      admin
      users={users.map((u) => ({ value: u.id, label: u.name ? `${u.name} <${u.email}>` : u.email }))}
      products={products.map((p) => ({ value: p.id, label: p.title }))}
      apis={apis.map((a) => ({ value: a.id, label: a.title }))}
      dimensions={["user", "product", "api", "operation", "subscription"]}
    />
  );
}

export default function Usage({ messages }: { messages: MessageBundle }) {
  return (
    <AdminIsland messages={messages}>
      <AdminUsage />
    </AdminIsland>
  );
}
