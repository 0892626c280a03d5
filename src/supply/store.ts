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

/** The row a new item will have; built before the transaction so its activity can be prepared first. */
export function newItemRow(id: string, kind: ItemKind, resourceId: number, fields: ItemFields, at: number): SupplyItemRow {
  return { id, kind, resourceId, ...fields, status: "active", version: at, createdAt: at, updatedAt: at };
}

/**
 * The row after a change. The version is the change time, kept strictly
 * increasing so receivers can always tell the newer of two versions.
 */
export function changedItemRow(
  before: SupplyItemRow,
  change: { resourceId?: number; fields?: ItemFields; status?: SupplyItemRow["status"] },
  at: number,
): SupplyItemRow {
  const version = Math.max(at, before.version + 1);
  return {
    ...before,
    ...(change.fields ?? {}),
    resourceId: change.resourceId ?? before.resourceId,
    status: change.status ?? before.status,
    version,
    updatedAt: version,
  };
}

export function insertItem(db: Db, row: SupplyItemRow, actor: string): void {
  db.insert(supplyItemsTable).values(row).run();
  recordHistory(db, {
    itemId: row.id,
    change: "created",
    actor,
    oldQuantity: null,
    newQuantity: row.quantity,
    reason: null,
    diffJson: JSON.stringify({}),
    at: row.createdAt,
  });
}

/**
 * Writes `after` if the row is still at `before`'s version (another change
 * in between means the caller worked from stale data: false, nothing written).
 */
export function saveChange(db: Db, before: SupplyItemRow, after: SupplyItemRow, actor: string, reason: string | null): boolean {
  const updated = db
    .update(supplyItemsTable)
    .set(after)
    .where(and(eq(supplyItemsTable.id, before.id), eq(supplyItemsTable.version, before.version)))
    .run();
  if (updated.changes === 0) return false;
  const diff: Record<string, [unknown, unknown]> = diffFields(fieldsOf(before), fieldsOf(after));
  if (before.resourceId !== after.resourceId) diff.resourceId = [before.resourceId, after.resourceId];
  if (before.status !== after.status) diff.status = [before.status, after.status];
  recordHistory(db, {
    itemId: after.id,
    change: after.status === "withdrawn" && before.status !== "withdrawn" ? "withdrawn" : "updated",
    actor,
    oldQuantity: before.quantity,
    newQuantity: after.quantity,
    reason,
    diffJson: JSON.stringify(diff),
    at: after.version,
  });
  return true;
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
