import type { Context } from "@fedify/fedify";
import { OrderedCollection, Proposal } from "@fedify/vocab";
import { inTransaction } from "../db/client.js";
import { type ReceivedItem, recordRejection, replaceActorItems } from "../supply/view-store.js";
import { INSTANCE_ACTOR, type NodeServices } from "./context.js";
import { fromProposal } from "./mappers/supply.js";
import { supplyCollectionUri } from "./supply.js";

export interface ResyncResult {
  readonly received: number;
  readonly stored: number;
  readonly removed: number;
  readonly rejected: number;
}

/**
 * Pulls a followed community's current offers and needs (signed, as our
 * instance actor) and makes our view of that community match it. Pull is
 * what survives downtime on either side: nothing depends on a message
 * having arrived.
 */
export async function resyncFrom(ctx: Context<NodeServices>, actorUri: string): Promise<ResyncResult> {
  const { db, sqlite, log } = ctx.data;
  const url = supplyCollectionUri(actorUri);
  const documentLoader = await ctx.getDocumentLoader({ identifier: INSTANCE_ACTOR });
  const fetchedAt = Date.now();
  const remote = await documentLoader(url.href);
  const collection = await OrderedCollection.fromJsonLd(remote.document, {
    documentLoader,
    contextLoader: ctx.contextLoader,
    baseUrl: url,
  });
  const items: ReceivedItem[] = [];
  let rejected = 0;
  const actorOrigin = new URL(actorUri).origin;
  // Only embedded items: an id pointing elsewhere is not this community's to vouch for.
  for await (const entry of collection.getItems({
    documentLoader,
    contextLoader: ctx.contextLoader,
    crossOrigin: "ignore",
  })) {
    if (!(entry instanceof Proposal)) continue;
    const read = await fromProposal(entry);
    const problem = !read.ok
      ? `malformed: ${read.reason}`
      : read.item.actorUri !== actorUri || new URL(read.item.objectUri).origin !== actorOrigin
        ? `the object is attributed to ${read.item.actorUri}, not to ${actorUri}`
        : null;
    if (problem !== null || !read.ok) {
      rejected++;
      log.warn({ actorUri, objectUri: entry.id?.href, reason: problem }, "rejected an item during resync");
      recordRejection(db, {
        activityId: null,
        actorUri,
        objectUri: entry.id?.href ?? null,
        reason: `resync: ${problem}`,
      });
      continue;
    }
    items.push(read.item);
  }
  const { stored, removed } = inTransaction(sqlite, () =>
    replaceActorItems(db, actorUri, items, { activityId: `resync:${url.href}`, at: Date.now(), fetchedAt }),
  );
  log.info({ actorUri, received: items.length, stored, removed, rejected }, "resynced offers and needs");
  return { received: items.length, stored, removed, rejected };
}
