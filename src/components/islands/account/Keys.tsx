/**
 * A subscription's two keys: masked (only the start the API returns is
 * shown), revealed on request, copied, and regenerated after a
 * confirmation that says what stops working. A regenerated key is shown
 * once in a dialog with a copy button. Keys are fetched only when asked
 * for, and kept in memory only.
 */
import { useState } from "react";
import { api, type KeySlot, type Keys as KeyPair, type Subscription } from "../../../lib/api-client.ts";
import { useI18n } from "../shared/i18n.tsx";
import { ErrorAlert } from "../shared/errors.tsx";
import { ConfirmDialog, CopyButton } from "../shared/ui.tsx";

const SLOTS: KeySlot[] = ["primary", "secondary"];

function masked(start: string): string {
  return `${start}${"•".repeat(20)}`;
}

export function Keys({ subscription, onRegenerated }: { subscription: Subscription; onRegenerated(slot: KeySlot, keyStart: string): void }) {
  const { t } = useI18n();
  /** The slot's name inside a sentence ("the primary key"). */
  const word = (slot: KeySlot) => t(`keys.word.${slot}`);
  const [keys, setKeys] = useState<KeyPair | null>(null);
  const [shown, setShown] = useState<Record<KeySlot, boolean>>({ primary: false, secondary: false });
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<KeySlot | null>(null);
  const [fresh, setFresh] = useState<{ slot: KeySlot; key: string } | null>(null);

  const load = async (): Promise<KeyPair> => {
    if (keys) return keys;
    const loaded = await api.keys(subscription.id);
    setKeys(loaded);
    return loaded;
  };
  const toggle = async (slot: KeySlot) => {
    setError(null);
    try {
      if (!shown[slot]) await load();
      setShown((s) => ({ ...s, [slot]: !s[slot] }));
    } catch (err) {
      setError(err);
    }
  };
  const valueOf = (k: KeyPair, slot: KeySlot) => (slot === "primary" ? k.primaryKey : k.secondaryKey);
  const starts: Record<KeySlot, string> = { primary: subscription.primaryKeyStart, secondary: subscription.secondaryKeyStart };
  const usable = subscription.state === "active";

  return (
    <>
      <dl className="keys">
        {SLOTS.map((slot) => {
          const label = t(`keys.${slot}`);
          const visible = shown[slot] && keys !== null;
          return (
            <div className="key-row" key={slot}>
              <dt>{label}</dt>
              <dd>
                {visible ? (
                  <code className="key-value" data-key={slot}>
                    {valueOf(keys, slot)}
                  </code>
                ) : (
                  <code className="key-value" aria-label={t("keys.hiddenLabel", { slot: label, start: starts[slot] })}>
                    {masked(starts[slot])}
                  </code>
                )}
              </dd>
              <dd className="key-actions">
                <button type="button" className="button button-secondary button-small" aria-pressed={shown[slot]} onClick={() => toggle(slot)} aria-label={t(shown[slot] ? "keys.hideLabel" : "keys.showLabel", { slot: word(slot) })}>
                  {t(shown[slot] ? "keys.hide" : "keys.show")}
                </button>
                <CopyButton label={t("keys.copy")} text={async () => valueOf(await load(), slot)} />
                <button type="button" className="button button-secondary button-small" onClick={() => setConfirm(slot)} aria-label={t("keys.regenerateLabel", { slot: word(slot) })}>
                  {t("keys.regenerate")}
                </button>
              </dd>
            </div>
          );
        })}
      </dl>
      <ErrorAlert error={error} />
      {!usable && <p className="small muted">{t("keys.notUsable")}</p>}

      <ConfirmDialog
        open={confirm !== null}
        title={t("keys.confirmTitle", { slot: confirm ? word(confirm) : "" })}
        confirmLabel={t("keys.confirm")}
        danger
        onClose={() => setConfirm(null)}
        onConfirm={async () => {
          const slot = confirm!;
          const result = await api.regenerateKey(subscription.id, slot);
          setKeys((k) => (k ? { ...k, [slot === "primary" ? "primaryKey" : "secondaryKey"]: result.key } : k));
          setFresh({ slot, key: result.key });
          onRegenerated(slot, result.keyStart);
        }}
      >
        <p>{t("keys.confirmText", { slot: confirm ? word(confirm) : "" })}</p>
        <p className="muted small">{t(confirm === "primary" ? "keys.confirmTipPrimary" : "keys.confirmTipSecondary")}</p>
      </ConfirmDialog>

      <NewKeyDialog fresh={fresh} onClose={() => setFresh(null)} />
    </>
  );
}

function NewKeyDialog({ fresh, onClose }: { fresh: { slot: KeySlot; key: string } | null; onClose(): void }) {
  const { t } = useI18n();
  return (
    <ConfirmDialog open={fresh !== null} title={t("keys.newTitle", { slot: fresh ? t(`keys.word.${fresh.slot}`) : "" })} confirmLabel={t("keys.done")} cancel={false} onConfirm={() => {}} onClose={onClose}>
      {fresh && (
        <>
          <p>{t("keys.newText")}</p>
          <code className="new-key" data-new-key>
            {fresh.key}
          </code>
          <p>
            <CopyButton label={t("keys.copyNew")} text={fresh.key} />
          </p>
        </>
      )}
    </ConfirmDialog>
  );
}
