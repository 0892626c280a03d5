import type { Context } from "@fedify/fedify";
import { type Actor, Follow, isActor } from "@fedify/vocab";
import type { FollowingRow } from "../db/schema/federation.js";
import { activityUri, INSTANCE_ACTOR, type NodeServices } from "../federation/context.js";
import { recipientOf } from "../federation/inbox/follows.js";
import { commitWithActivities, prepareActivity } from "../federation/outbox.js";
import { upsertFollowing } from "./follows.js";

export type FollowResult =
  | { readonly ok: true; readonly row: FollowingRow }
  | { readonly ok: false; readonly reason: "unreachable" | "not-an-actor" | "self"; readonly message: string };

/** Fetches an actor (URL or acct: handle) with the instance actor's signed fetch; null when it cannot. */
export async function lookupActor(ctx: Context<NodeServices>, uri: string): Promise<Actor | "unreachable" | "not-an-actor"> {
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  const remote = await ctx.lookupObject(uri, { documentLoader }).catch((err: unknown) => {
    ctx.data.log.info({ err, actor: uri }, "actor lookup failed");
    return null;
  });
  if (remote === null) return "unreachable";
  if (!isActor(remote) || remote.id === null || remote.inboxId === null) return "not-an-actor";
  return remote;
}

/**
 * Follows a remote actor from our community: sends Follow and records the
 * follow as pending, in one transaction. Used by the admin API and when a
 * route joins us to communities we did not know.
 */
export async function followActor(ctx: Context<NodeServices>, uri: string, known?: Actor): Promise<FollowResult> {
  const { config } = ctx.data;
  const remote = known ?? (await lookupActor(ctx, uri));
  if (remote === "unreachable") return { ok: false, reason: "unreachable", message: "could not be fetched as an ActivityPub object" };
  if (remote === "not-an-actor") return { ok: false, reason: "not-an-actor", message: "is not an ActivityPub actor with an inbox" };
  if (remote.id!.origin === config.origin) return { ok: false, reason: "self", message: "is this node's own actor" };
  const follow = new Follow({
    id: activityUri(config.origin, crypto.randomUUID()),
    actor: ctx.getActorUri(config.handle),
    object: remote.id,
    to: remote.id,
  });
  const prepared = await prepareActivity(ctx, follow, {
    sender: config.handle,
    audience: { followers: false, actors: [recipientOf(remote)] },
  });
  const row = commitWithActivities(ctx.data, (emit) => {
    const saved = upsertFollowing(ctx.data.db, {
      actorUri: remote.id!.href,
      inboxUrl: remote.inboxId!.href,
      sharedInboxUrl: remote.endpoints?.sharedInbox?.href ?? null,
      handle: remote.preferredUsername?.toString() ?? null,
      name: remote.name?.toString() ?? null,
      followActivityId: prepared.id,
    });
    emit(prepared);
    return saved;
  });
  return { ok: true, row };
}
