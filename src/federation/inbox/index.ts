import type { Federation, InboxContext } from "@fedify/fedify";
import { Accept, Create, Delete, Follow, Proposal, Reject, Undo, Update } from "@fedify/vocab";
import { type NodeServices, PATHS } from "../context.js";
import { onFollow, onFollowAnswer, onUndoFollow } from "./follows.js";
import { onSupplyDeleted, onSupplyPublished } from "./supply.js";

/** The inbox table: which activity goes to which handler. Handlers live per family. */
export function registerInbox(federation: Federation<NodeServices>): void {
  federation
    .setInboxListeners(PATHS.inbox, PATHS.sharedInbox)
    .on(Follow, onFollow)
    .on(Undo, onUndo)
    .on(Accept, onFollowAnswer)
    .on(Reject, onFollowAnswer)
    .on(Create, onCreateOrUpdate)
    .on(Update, onCreateOrUpdate)
    .on(Delete, onDelete)
    .onError((ctx, error) => {
      ctx.data.log.error({ err: error }, "inbox handler failed");
    });
}

async function onUndo(ctx: InboxContext<NodeServices>, undo: Undo): Promise<void> {
  const object = await undo.getObject(ctx).catch(() => null);
  if (object instanceof Follow) return onUndoFollow(ctx, undo);
}

async function onCreateOrUpdate(ctx: InboxContext<NodeServices>, activity: Create | Update): Promise<void> {
  // "trust": read the embedded object as sent; the family handler checks it belongs to the sender.
  const object = await activity
    .getObject({ documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader, crossOrigin: "trust" })
    .catch(() => null);
  if (object instanceof Proposal) return onSupplyPublished(ctx, activity, object);
}

async function onDelete(ctx: InboxContext<NodeServices>, del: Delete): Promise<void> {
  // The object is usually a Tombstone or a bare id: route by what we hold under that id.
  return onSupplyDeleted(ctx, del);
}
