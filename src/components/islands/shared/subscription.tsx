/** A subscription's state as a badge and as a sentence saying what it means for its keys. */
import type { SubscriptionState } from "../../../lib/api-client.ts";
import { useI18n } from "./i18n.tsx";

const TONE: Record<SubscriptionState, string> = {
  submitted: "badge-warning",
  active: "badge-success",
  rejected: "badge-danger",
  suspended: "badge-danger",
  cancelled: "",
  expired: "",
};

export function StateBadge({ state }: { state: SubscriptionState }) {
  const { t } = useI18n();
  return <span className={`badge ${TONE[state]}`}>{t(`state.${state}`)}</span>;
}

/** "Waiting for an administrator's approval: the keys work once approved." An administrator's comment is a reason, or on an active subscription a note. */
export function StateExplanation({ state, comment }: { state: SubscriptionState; comment?: string | null }) {
  const { t } = useI18n();
  return (
    <p className="state-text">
      {t(`state.${state}.text`)}
      {comment ? (
        <>
          {" "}
          <span className="state-comment">{t(state === "active" ? "state.note" : "state.reason", { reason: comment })}</span>
        </>
      ) : null}
    </p>
  );
}
