import { and, eq, gte, inArray, lt, notInArray, type SQL } from "drizzle-orm";
import { followingTable } from "../db/schema/federation.js";
import type { Db } from "../db/client.js";
import { type NetworkItemRow, networkItemsTable, networkRejectionsTable } from "../db/schema/supply.js";
import type { ItemKind } from "./items.js";

/** A remote offer or need as received, with where it came from. */
export interface ReceivedItem {
  readonly objectUri: string;
  readonly actorUri: string;
  readonly kind: ItemKind;
  readonly resourceUri: string;
  readonly resourceName: string;
  readonly category: string;
  readonly unit: string;
  readonly quantity: number;
  readonly windowStart: number | null;
  readonly windowEnd: number;
  readonly priority: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly locationName: string | null;
  readonly name: string;
  readonly version: number;
}

export type ApplyResult = "stored" | "stale" | "not-owner";

export function findNetworkItem(db: Db, objectUri: string): NetworkItemRow | undefined {
  return db.select().from(networkItemsTable).where(eq(networkItemsTable.objectUri, objectUri)).get();
}

/**
 * Stores a received version unless we already hold a newer (or equal) one,
 * or a tombstone at least as new: a late, older Update never wins, and a
 * deleted item does not come back from an out-of-order message.
 */
export function applyReceived(db: Db, item: ReceivedItem, provenance: { activityId: string; at: number }): ApplyResult {
  const existing = findNetworkItem(db, item.objectUri);
  if (existing && existing.actorUri !== item.actorUri) return "not-owner";
  if (existing && existing.version >= item.version) return "stale";
  const row = { ...item, status: "active" as const, activityId: provenance.activityId, receivedAt: provenance.at };
  db.insert(networkItemsTable)
    .values(row)
    .onConflictDoUpdate({ target: networkItemsTable.objectUri, set: row })
    .run();
  return "stored";
}

/** Marks an item deleted (kept as a tombstone). Only its owner may; returns what happened. */
export function applyDeleted(
  db: Db,
  objectUri: string,
  actorUri: string,
  provenance: { activityId: string; at: number; version: number },
): "deleted" | "unknown" | "not-owner" {
  const existing = findNetworkItem(db, objectUri);
  if (!existing) return "unknown";
  if (existing.actorUri !== actorUri) return "not-owner";
  db.update(networkItemsTable)
    .set({
      status: "deleted",
      version: Math.max(existing.version + 1, provenance.version),
      activityId: provenance.activityId,
      receivedAt: provenance.at,
    })
    .where(eq(networkItemsTable.objectUri, objectUri))
    .run();
  return "deleted";
}

/**
 * A resync: the actor's current set replaces what we held. Items in the set
 * are applied (newer versions win as usual); active items of that actor not
 * in the set were withdrawn or expired while we were away, and are deleted —
 * except those received after `fetchedAt`: a Create that arrived while the
 * collection was in flight is newer than the collection, not missing from it.
 */
export function replaceActorItems(
  db: Db,
  actorUri: string,
  items: readonly ReceivedItem[],
  provenance: { activityId: string; at: number; fetchedAt: number },
): { stored: number; removed: number } {
  let stored = 0;
  for (const item of items) if (applyReceived(db, item, provenance) === "stored") stored++;
  const keep = items.map((i) => i.objectUri);
  const removed = db
    .update(networkItemsTable)
    .set({ status: "deleted", activityId: provenance.activityId, receivedAt: provenance.at })
    .where(
      and(
        eq(networkItemsTable.actorUri, actorUri),
        eq(networkItemsTable.status, "active"),
        lt(networkItemsTable.receivedAt, provenance.fetchedAt),
        keep.length > 0 ? notInArray(networkItemsTable.objectUri, keep) : undefined,
      ),
    )
    .run().changes;
  return { stored, removed };
}

export interface ViewFilter {
  readonly kind?: ItemKind;
  readonly resourceUri?: string;
  readonly category?: string;
  readonly actorUri?: string;
  readonly now: number;
}

/**
 * Active items whose window has not ended, from communities we still follow:
 * expired ones and those of a community we unfollowed drop out at query time
 * (following again resyncs them).
 */
export function queryNetwork(db: Db, f: ViewFilter): NetworkItemRow[] {
  const followed = db.select({ uri: followingTable.actorUri }).from(followingTable).where(eq(followingTable.status, "accepted"));
  const where: (SQL | undefined)[] = [
    eq(networkItemsTable.status, "active"),
    gte(networkItemsTable.windowEnd, f.now),
    inArray(networkItemsTable.actorUri, followed),
  ];
  if (f.kind) where.push(eq(networkItemsTable.kind, f.kind));
  if (f.resourceUri) where.push(eq(networkItemsTable.resourceUri, f.resourceUri));
  if (f.category) where.push(eq(networkItemsTable.category, f.category));
  if (f.actorUri) where.push(eq(networkItemsTable.actorUri, f.actorUri));
  return db.select().from(networkItemsTable).where(and(...where)).orderBy(networkItemsTable.windowEnd).limit(5000).all();
}

/** A remote object we refused, kept so an admin can see what was turned away and why. */
export function recordRejection(
  db: Db,
  r: { activityId: string | null; actorUri: string | null; objectUri: string | null; reason: string },
): void {
  db.insert(networkRejectionsTable).values(r).run();
}

export function listRejections(db: Db, limit = 100) {
  return db.select().from(networkRejectionsTable).orderBy(networkRejectionsTable.id).limit(limit).all();
}
