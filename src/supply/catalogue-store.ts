import { asc, eq, or } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { type ResourceKindRow, resourceKindsTable, unitsTable } from "../db/schema/supply.js";
import { DEFAULT_KINDS, DEFAULT_UNITS, type NewKindInput, resourceUri } from "./resources.js";

/** Seeds the default units and kinds once; later starts leave the admin's edits alone. */
export function seedCatalogue(db: Db, origin: string): void {
  for (const u of DEFAULT_UNITS) db.insert(unitsTable).values(u).onConflictDoNothing().run();
  const any = db.select({ id: resourceKindsTable.id }).from(resourceKindsTable).limit(1).get();
  if (any) return;
  for (const k of DEFAULT_KINDS) {
    db.insert(resourceKindsTable)
      .values({ ...k, uri: resourceUri(origin, k.slug) })
      .onConflictDoNothing()
      .run();
  }
}

export function listUnits(db: Db) {
  return db.select().from(unitsTable).orderBy(asc(unitsTable.code)).all();
}

export function addUnit(db: Db, code: string, label: string): boolean {
  return db.insert(unitsTable).values({ code, label }).onConflictDoNothing().run().changes > 0;
}

export function listKinds(db: Db): ResourceKindRow[] {
  return db.select().from(resourceKindsTable).orderBy(asc(resourceKindsTable.slug)).all();
}

/** A kind by its slug or its URI (clients may name a resource either way). */
export function findKind(db: Db, ref: string): ResourceKindRow | undefined {
  return db
    .select()
    .from(resourceKindsTable)
    .where(or(eq(resourceKindsTable.slug, ref), eq(resourceKindsTable.uri, ref)))
    .get();
}

export function findKindById(db: Db, id: number): ResourceKindRow | undefined {
  return db.select().from(resourceKindsTable).where(eq(resourceKindsTable.id, id)).get();
}

export function insertKind(db: Db, origin: string, input: NewKindInput): ResourceKindRow {
  return db
    .insert(resourceKindsTable)
    .values({
      slug: input.slug,
      name: input.name,
      unit: input.unit,
      kgPerUnit: input.kgPerUnit,
      category: input.category,
      uri: input.uri ?? resourceUri(origin, input.slug),
    })
    .returning()
    .get();
}
