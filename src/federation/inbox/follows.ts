import type { InboxContext } from "@fedify/fedify";
import { Accept, type Actor, Follow, isActor, Reject, type Undo } from "@fedify/vocab";
import { findFollowing, removeFollower, setFollowingStatus, upsertFollower } from "../../network/follows.js";
import { activityUri, type NodeServices } from "../context.js";
import { type AddressedActor, commitWithActivities, prepareActivity } from "../outbox.js";
import { resyncFrom } from "../supply-resync.js";
import { markProcessed } from "./log.js";

type Ctx = InboxContext<NodeServices>;

/**
 * A remote actor follows our community. With the auto policy the Accept goes
 * out in the same transaction that records the follower; with the manual
 * policy the follower waits for an admin.
 */
export async function onFollow(ctx: Ctx, follow: Follow): Promise<void> {
  const { config, log } = ctx.data;
  if (follow.id === null || follow.actorId === null || follow.objectId === null) return;
  const target = ctx.parseUri(follow.objectId);
  if (target?.type !== "actor" || target.identifier !== config.handle) {
    log.info({ activity: follow.id.href }, "ignored a Follow of an actor we do not host");
    return;
  }
  const follower = await follow.getActor(ctx);
  if (!isActor(follower) || follower.id === null || follower.inboxId === null) {
    log.warn({ activity: follow.id.href }, "ignored a Follow whose actor could not be resolved");
    return;
  }
  const status = config.followPolicy === "auto" ? "accepted" : "pending";
  // Answer with the Follow by reference (id, actor, object), not the hydrated copy we received.
  const answered = new Follow({ id: follow.id, actor: follow.actorId, object: follow.objectId });
  const accept =
    status === "accepted" ? await prepareAccept(ctx, config.handle, answered, recipientOf(follower)) : null;
  commitWithActivities(ctx.data, (emit) => {
    if (!markProcessed(ctx.data.db, { id: follow.id!.href, actor: follower.id!.href, type: "Follow" })) return;
    upsertFollower(ctx.data.db, {
      followee: config.handle,
      actorUri: follower.id!.href,
      inboxUrl: follower.inboxId!.href,
      sharedInboxUrl: follower.endpoints?.sharedInbox?.href ?? null,
      followActivityId: follow.id!.href,
      status,
    });
    if (accept) emit(accept);
  });
}

/** The Accept (or Reject) answering a Follow, addressed to the follower alone. */
export async function prepareAccept(
  ctx: { data: NodeServices } & Parameters<typeof prepareActivity>[0],
  followee: string,
  follow: Follow,
  follower: AddressedActor,
  kind: "accept" | "reject" = "accept",
) {
  const Kind = kind === "accept" ? Accept : Reject;
  const answer = new Kind({
    id: activityUri(ctx.data.config.origin, crypto.randomUUID()),
    actor: ctx.getActorUri(followee),
    object: follow,
    to: new URL(follower.id),
  });
  return prepareActivity(ctx, answer, {
    sender: followee,
    audience: { followers: false, actors: [follower] },
  });
}

export function recipientOf(actor: Actor): AddressedActor {
  return {
    id: actor.id!.href,
    inbox: actor.inboxId!.href,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
  };
}

/** Undo(Follow): the remote actor stops following us. */
export async function onUndoFollow(ctx: Ctx, undo: Undo): Promise<void> {
  if (undo.actorId === null) return;
  const object = await undo.getObject(ctx);
  if (!(object instanceof Follow)) return;
  if (object.actorId?.href !== undo.actorId.href) return; // only the follower may undo its own Follow
  const target = object.objectId ? ctx.parseUri(object.objectId) : null;
  const followee = target?.type === "actor" ? target.identifier : ctx.data.config.handle;
  commitWithActivities(ctx.data, () => {
    if (undo.id && !markProcessed(ctx.data.db, { id: undo.id.href, actor: undo.actorId!.href, type: "Undo" })) return;
    removeFollower(ctx.data.db, followee, undo.actorId!.href);
  });
}

/** Accept or Reject of a Follow we sent. */
export async function onFollowAnswer(ctx: Ctx, answer: Accept | Reject): Promise<void> {
  if (answer.actorId === null) return;
  const following = findFollowing(ctx.data.db, answer.actorId.href);
  if (!following) return;
  // The answer must be about our Follow: by its id when the object is a reference, or embedded.
  const objectId = answer.objectId?.href;
  if (objectId !== following.followActivityId) {
    const object = await answer.getObject(ctx).catch(() => null);
    if (!(object instanceof Follow) || object.objectId?.href !== following.actorUri) return;
  }
  const status = answer instanceof Accept ? "accepted" : "rejected";
  const changed = commitWithActivities(ctx.data, () => {
    if (answer.id && !markProcessed(ctx.data.db, { id: answer.id.href, actor: answer.actorId!.href, type: status })) {
      return false;
    }
    setFollowingStatus(ctx.data.db, following.id, status);
    return true;
  });
  // On a new follow, pull what the community already offers and needs (after the commit, never inside it).
  if (changed && status === "accepted") {
    await resyncFrom(ctx, following.actorUri).catch((err: unknown) => {
      ctx.data.log.warn(
        { err, actor: following.actorUri },
        "first resync failed; POST /api/following/:id/resync retries",
      );
    });
  }
}
