import type { Federation, InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Create,
  Delete,
  Follow,
  Note,
  Offer,
  Proposal,
  Reject,
  Undo,
  Update,
} from "@fedify/vocab";
import { type NodeServices, PATHS } from "../context.js";
import { onExchangeActivity } from "./exchange.js";
import { onFollow, onFollowAnswer, onUndoFollow } from "./follows.js";
import { noteLedgerHead } from "./ledger-heads.js";
import { onSupplyDeleted, onSupplyPublished } from "./supply.js";
import { onHaulEvent, onHaulOffer, onRouteActivity, onRouteDelete } from "./transport.js";

/** The inbox table: which activity goes to which handler. Handlers live per family. */
export function registerInbox(federation: Federation<NodeServices>): void {
  federation
    .setInboxListeners(PATHS.inbox, PATHS.sharedInbox)
    .on(Follow, onFollow)
    .on(Undo, withLedgerHead(onUndo))
    .on(Accept, withLedgerHead(onAccept))
    .on(Create, withLedgerHead(onCreateOrUpdate))
    .on(Update, withLedgerHead(onCreateOrUpdate))
    .on(Delete, withLedgerHead(onDelete))
    .on(Offer, withLedgerHead(onOffer))
    .on(Reject, withLedgerHead(onReject))
    .onError((ctx, error) => {
      ctx.data.log.error({ err: error }, "inbox handler failed");
    });
}

/** Every activity from a followed community may carry its ledger head: note it, then handle the activity. */
function withLedgerHead<A extends Activity>(handler: (ctx: InboxContext<NodeServices>, activity: A) => Promise<void>) {
  return async (ctx: InboxContext<NodeServices>, activity: A): Promise<void> => {
    await noteLedgerHead(ctx, activity).catch((err: unknown) => ctx.data.log.info({ err }, "ledger head not read"));
    return handler(ctx, activity);
  };
}

async function onUndo(ctx: InboxContext<NodeServices>, undo: Undo): Promise<void> {
  if (await onExchangeActivity(ctx, undo)) return;
  const object = await undo.getObject(ctx).catch(() => null);
  if (object instanceof Follow) return onUndoFollow(ctx, undo);
}

/** Accept of a haul request (carries a haul step) or of one of our Follows. */
async function onAccept(ctx: InboxContext<NodeServices>, accept: Accept): Promise<void> {
  if (await onExchangeActivity(ctx, accept)) return;
  if (await onHaulEvent(ctx, accept, accept)) return;
  return onFollowAnswer(ctx, accept);
}

/**
 * Create/Update route by the object's type: a haul step (Note), a driver's
 * route or a community's offer or need (both Proposals; the route handler
 * claims only routes).
 */
async function onCreateOrUpdate(ctx: InboxContext<NodeServices>, activity: Create | Update): Promise<void> {
  if (await onExchangeActivity(ctx, activity)) return;
  // "trust": read the embedded object as sent; each family handler checks it belongs to the sender.
  const object = await activity
    .getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, crossOrigin: "trust" })
    .catch(() => null);
  if (object instanceof Note && activity instanceof Create) {
    await onHaulEvent(ctx, activity, object);
    return;
  }
  if (await onRouteActivity(ctx, activity, object)) return;
  if (object instanceof Proposal) return onSupplyPublished(ctx, activity, object);
}

/** Delete by the object's id: a driver's route we know, else an offer or need. */
async function onDelete(ctx: InboxContext<NodeServices>, del: Delete): Promise<void> {
  if (await onRouteDelete(ctx, del)) return;
  return onSupplyDeleted(ctx, del);
}

/** Offer of an exchange proposal (carries an exchange event) or of a haul request. */
async function onOffer(ctx: InboxContext<NodeServices>, offer: Offer): Promise<void> {
  if (await onExchangeActivity(ctx, offer)) return;
  return onHaulOffer(ctx, offer);
}

/** Reject of an exchange proposal, or of one of our Follows. */
async function onReject(ctx: InboxContext<NodeServices>, reject: Reject): Promise<void> {
  if (await onExchangeActivity(ctx, reject)) return;
  return onFollowAnswer(ctx, reject);
}
