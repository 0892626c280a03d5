import type { InboxContext } from "@fedify/fedify";
import { type Activity, PropertyValue } from "@fedify/vocab";
import { parseHead } from "../../community/ledger.js";
import { checkPeerLedger, headsSeen } from "../../community/ledger-peers.js";
import { findFollowing } from "../../network/follows.js";
import type { NodeServices } from "../context.js";
import { LEDGER_HEAD_PROPERTY } from "../outbox.js";

/** Checks already running, so a burst of activities from one peer starts one check. */
const running = new Set<string>();

/**
 * A followed community's activities carry its ledger head. A head we have not
 * seen yet starts a check of its ledger against every head we saw before, in
 * the background: the activity itself is handled as usual.
 */
export async function noteLedgerHead(ctx: InboxContext<NodeServices>, activity: Activity): Promise<void> {
  const actor = activity.actorId?.href;
  if (!actor || running.has(actor)) return;
  let head: string | null = null;
  for await (const a of activity.getAttachments({
    documentLoader: ctx.documentLoader,
    contextLoader: ctx.contextLoader,
  })) {
    if (a instanceof PropertyValue && a.name?.toString() === LEDGER_HEAD_PROPERTY) head = a.value?.toString() ?? null;
  }
  const parsed = head ? parseHead(head) : null;
  if (!parsed) return;
  const { db, log } = ctx.data;
  if (findFollowing(db, actor)?.status !== "accepted") return;
  if (headsSeen(db, actor).some((h) => h.seq === parsed.seq && h.hash === parsed.hash)) return;
  running.add(actor);
  void checkPeerLedger(db, actor)
    .then((result) => {
      if (!result.ok)
        log.warn({ actor, reason: result.reason }, "a followed community's ledger does not match what we saw");
    })
    .catch((err: unknown) => log.info({ err, actor }, "could not check a followed community's ledger"))
    .finally(() => running.delete(actor));
}
