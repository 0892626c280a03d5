import type { Federation, InboxContext } from "@fedify/fedify";
import { Accept, Follow, Reject, Undo } from "@fedify/vocab";
import { type NodeServices, PATHS } from "../context.js";
import { onFollow, onFollowAnswer, onUndoFollow } from "./follows.js";

/** The inbox table: which activity goes to which handler. Handlers live per family. */
export function registerInbox(federation: Federation<NodeServices>): void {
  federation
    .setInboxListeners(PATHS.inbox, PATHS.sharedInbox)
    .on(Follow, onFollow)
    .on(Undo, onUndo)
    .on(Accept, onFollowAnswer)
    .on(Reject, onFollowAnswer)
    .onError((ctx, error) => {
      ctx.data.log.error({ err: error }, "inbox handler failed");
    });
}

async function onUndo(ctx: InboxContext<NodeServices>, undo: Undo): Promise<void> {
  const object = await undo.getObject(ctx).catch(() => null);
  if (object instanceof Follow) return onUndoFollow(ctx, undo);
}
