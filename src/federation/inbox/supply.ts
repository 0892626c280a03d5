import type { InboxContext } from "@fedify/fedify";
import type { Create, Delete, Proposal, Update } from "@fedify/vocab";
import { inTransaction } from "../../db/client.js";
import { findFollowing } from "../../network/follows.js";
import { applyDeleted, applyReceived, recordRejection } from "../../supply/view-store.js";
import type { NodeServices } from "../context.js";
import { fromProposal } from "../mappers/supply.js";
import { markProcessed } from "./log.js";

type Ctx = InboxContext<NodeServices>;

/**
 * Create or Update of an offer or need by a community we follow. Fedify has
 * already checked the signature belongs to the activity's actor; here the
 * object must be that actor's own (attributedTo and id on its origin), or it
 * is refused, logged and recorded, never stored.
 */
export async function onSupplyPublished(ctx: Ctx, activity: Create | Update, proposal: Proposal): Promise<void> {
  const { db, sqlite } = ctx.data;
  const actor = activity.actorId;
  const activityId = activity.id?.href;
  if (activityId === undefined || actor === null) return;
  const base = { activityId, actorUri: actor.href, objectUri: proposal.id?.href ?? null };
  const following = findFollowing(db, actor.href);
  if (!following || following.status === "rejected") {
    ctx.data.log.info(base, "ignored an offer or need from a community we do not follow");
    return;
  }
  const read = await fromProposal(proposal);
  if (!read.ok) return reject(ctx, base, `malformed: ${read.reason}`);
  const item = read.item;
  if (item.actorUri !== actor.href || new URL(item.objectUri).origin !== actor.origin) {
    return reject(ctx, base, `the object is attributed to ${item.actorUri}, not to the sender`);
  }
  const type = activity.constructor.name;
  inTransaction(sqlite, () => {
    if (!markProcessed(db, { id: activityId, actor: actor.href, type })) return;
    const result = applyReceived(db, item, { activityId, at: Date.now() });
    if (result === "not-owner") recordRejection(db, { ...base, reason: "the object belongs to another actor" });
    if (result === "stale") ctx.data.log.info(base, "ignored an older version of an offer or need");
  });
}

/** Delete of an offer or need: only the actor that published it may remove it. */
export async function onSupplyDeleted(ctx: Ctx, del: Delete): Promise<void> {
  const { db, sqlite } = ctx.data;
  const actor = del.actorId;
  const objectUri = del.objectId?.href;
  const activityId = del.id?.href;
  if (activityId === undefined || actor === null || objectUri === undefined) return;
  const base = { activityId, actorUri: actor.href, objectUri };
  const at = Date.now();
  const outcome = inTransaction(sqlite, () => {
    if (!markProcessed(db, { id: activityId, actor: actor.href, type: "Delete" })) return "replayed";
    return applyDeleted(db, objectUri, actor.href, {
      activityId,
      at,
      version: del.published?.epochMilliseconds ?? at,
    });
  });
  if (outcome === "not-owner") return reject(ctx, base, "a Delete for an object the sender does not own");
}

function reject(ctx: Ctx, r: { activityId: string; actorUri: string; objectUri: string | null }, reason: string): void {
  ctx.data.log.warn({ ...r, reason }, "rejected a remote offer or need");
  recordRejection(ctx.data.db, { ...r, reason });
}
