import { and, asc, desc, eq, gte, lte, or, isNull, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  resourceKindsTable,
  type SupplyHistoryRow,
  type SupplyItemRow,
  supplyHistoryTable,
  supplyItemsTable,
} from "../db/schema/supply.js";
import { diffFields, type ItemFields, type ItemKind } from "./items.js";

/** Persistence of our own offers and needs; every change writes a history row in the same transaction. */

export function fieldsOf(row: SupplyItemRow): ItemFields {
  return {
    quantity: row.quantity,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    priority: row.priority,
    lat: row.lat,
    lon: row.lon,
    locationName: row.locationName,
    notes: row.notes,
  };
}

export function insertItem(
  db: Db,
  item: { id: string; kind: ItemKind; resourceId: number; fields: ItemFields; actor: string; at: number },
): SupplyItemRow {
  const row = db
    .insert(supplyItemsTable)
    .values({
      id: item.id,
      kind: item.kind,
      resourceId: item.resourceId,
      ...item.fields,
      status: "active",
      version: item.at,
      createdAt: item.at,
      updatedAt: item.at,
    })
    .returning()
    .get();
  recordHistory(db, {
    itemId: row.id,
    change: "created",
    actor: item.actor,
    oldQuantity: null,
    newQuantity: row.quantity,
    reason: null,
    diffJson: JSON.stringify(diffFields({} as ItemFields, item.fields)),
    at: item.at,
  });
  return row;
}

/**
 * Applies new fields; the version is the change time, strictly increasing so
 * receivers can tell the newer of two updates apart.
 */
export function updateItem(
  db: Db,
  before: SupplyItemRow,
  change: { resourceId: number; fields: ItemFields; actor: string; reason: string | null; at: number },
): SupplyItemRow {
  const version = Math.max(change.at, before.version + 1);
  const diff: Record<string, [unknown, unknown]> = diffFields(fieldsOf(before), change.fields);
  if (before.resourceId !== change.resourceId) diff.resourceId = [before.resourceId, change.resourceId];
  const row = db
    .update(supplyItemsTable)
    .set({ ...change.fields, resourceId: change.resourceId, version, updatedAt: version })
    .where(eq(supplyItemsTable.id, before.id))
    .returning()
    .get();
  recordHistory(db, {
    itemId: row.id,
    change: "updated",
    actor: change.actor,
    oldQuantity: before.quantity,
    newQuantity: row.quantity,
    reason: change.reason,
    diffJson: JSON.stringify(diff),
    at: version,
  });
  return row;
}

export function withdrawItem(db: Db, before: SupplyItemRow, actor: string, reason: string | null, at: number): SupplyItemRow {
  const version = Math.max(at, before.version + 1);
  const row = db
    .update(supplyItemsTable)
    .set({ status: "withdrawn", version, updatedAt: version })
    .where(eq(supplyItemsTable.id, before.id))
    .returning()
    .get();
  recordHistory(db, {
    itemId: row.id,
    change: "withdrawn",
    actor,
    oldQuantity: before.quantity,
    newQuantity: null,
    reason,
    diffJson: JSON.stringify({ status: ["active", "withdrawn"] }),
    at: version,
  });
  return row;
}

function recordHistory(db: Db, entry: Omit<SupplyHistoryRow, "id">): void {
  db.insert(supplyHistoryTable).values(entry).run();
}

export function findItem(db: Db, id: string, kind?: ItemKind): SupplyItemRow | undefined {
  return db
    .select()
    .from(supplyItemsTable)
    .where(and(eq(supplyItemsTable.id, id), kind ? eq(supplyItemsTable.kind, kind) : undefined))
    .get();
}

export function itemHistory(db: Db, id: string): SupplyHistoryRow[] {
  return db.select().from(supplyHistoryTable).where(eq(supplyHistoryTable.itemId, id)).orderBy(asc(supplyHistoryTable.id)).all();
}

export interface ItemFilter {
  readonly kind: ItemKind;
  readonly status?: "active" | "withdrawn" | "expired";
  readonly category?: string;
  readonly resourceId?: number;
  /** Items whose window overlaps [from, until]. */
  readonly from?: number;
  readonly until?: number;
  readonly now: number;
}

export function listItems(db: Db, f: ItemFilter): SupplyItemRow[] {
  const where: (SQL | undefined)[] = [eq(supplyItemsTable.kind, f.kind)];
  if (f.status === "withdrawn") where.push(eq(supplyItemsTable.status, "withdrawn"));
  if (f.status === "active") where.push(eq(supplyItemsTable.status, "active"), gte(supplyItemsTable.windowEnd, f.now));
  if (f.status === "expired") where.push(eq(supplyItemsTable.status, "active"), lte(supplyItemsTable.windowEnd, f.now));
  if (f.resourceId !== undefined) where.push(eq(supplyItemsTable.resourceId, f.resourceId));
  if (f.category !== undefined) where.push(eq(resourceKindsTable.category, f.category));
  if (f.from !== undefined) where.push(gte(supplyItemsTable.windowEnd, f.from));
  if (f.until !== undefined) where.push(or(isNull(supplyItemsTable.windowStart), lte(supplyItemsTable.windowStart, f.until)));
  return db
    .select({ item: supplyItemsTable })
    .from(supplyItemsTable)
    .innerJoin(resourceKindsTable, eq(resourceKindsTable.id, supplyItemsTable.resourceId))
    .where(and(...where))
    .orderBy(desc(supplyItemsTable.createdAt))
    .limit(500)
    .all()
    .map((r) => r.item);
}

/** What followers should hold right now: active and not yet expired. */
export function currentItems(db: Db, now: number): SupplyItemRow[] {
  return db
    .select()
    .from(supplyItemsTable)
    .where(and(eq(supplyItemsTable.status, "active"), gte(supplyItemsTable.windowEnd, now)))
    .orderBy(asc(supplyItemsTable.createdAt))
    .all();
}
