import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Units a quantity can be counted in (kg, l, unit, bed-night, hour, and any the admin adds). */
export const unitsTable = sqliteTable("units", {
  code: text("code").primaryKey(),
  label: text("label").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/**
 * Kinds of resources. `uri` is the stable identity matched across the
 * network: ours are `${origin}/resources/{slug}`; an adopted remote kind keeps
 * the URI its node gave it, so both nodes mean the same thing by it.
 */
export const resourceKindsTable = sqliteTable("resource_kinds", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  uri: text("uri").notNull().unique(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  unit: text("unit")
    .notNull()
    .references(() => unitsTable.code),
  kgPerUnit: real("kg_per_unit").notNull(),
  category: text("category").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/**
 * Our own offers and needs. Withdrawn items keep their row (and history);
 * `version` grows with every change and rides on the wire as `updated`.
 */
export const supplyItemsTable = sqliteTable(
  "supply_items",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["offer", "need"] }).notNull(),
    resourceId: integer("resource_id")
      .notNull()
      .references(() => resourceKindsTable.id),
    quantity: real("quantity").notNull(),
    /** Offer: available from. Need: null. Epoch ms. */
    windowStart: integer("window_start"),
    /** Offer: available until. Need: needed by. Epoch ms. */
    windowEnd: integer("window_end").notNull(),
    priority: text("priority", { enum: ["essential", "important", "ordinary"] }),
    lat: real("lat").notNull(),
    lon: real("lon").notNull(),
    locationName: text("location_name").notNull(),
    notes: text("notes").notNull(),
    status: text("status", { enum: ["active", "withdrawn"] }).notNull(),
    version: integer("version").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("supply_items_kind_status_idx").on(t.kind, t.status)],
);

/** Every change to an offer or need: who, when, what it was and what it became. */
export const supplyHistoryTable = sqliteTable(
  "supply_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: text("item_id")
      .notNull()
      .references(() => supplyItemsTable.id),
    change: text("change", { enum: ["created", "updated", "withdrawn"] }).notNull(),
    actor: text("actor").notNull(),
    oldQuantity: real("old_quantity"),
    newQuantity: real("new_quantity"),
    reason: text("reason"),
    /** JSON of the fields that changed: {"field": [old, new]}. */
    diffJson: text("diff_json").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("supply_history_item_idx").on(t.itemId, t.id)],
);

/**
 * The network view: offers and needs received from communities we follow,
 * keyed by object URI, with provenance. Deleted ones stay as tombstones so a
 * late, older Update cannot bring them back.
 */
export const networkItemsTable = sqliteTable(
  "network_items",
  {
    objectUri: text("object_uri").primaryKey(),
    actorUri: text("actor_uri").notNull(),
    kind: text("kind", { enum: ["offer", "need"] }).notNull(),
    resourceUri: text("resource_uri").notNull(),
    resourceName: text("resource_name").notNull(),
    category: text("category").notNull(),
    unit: text("unit").notNull(),
    quantity: real("quantity").notNull(),
    windowStart: integer("window_start"),
    windowEnd: integer("window_end").notNull(),
    priority: text("priority"),
    lat: real("lat"),
    lon: real("lon"),
    locationName: text("location_name"),
    name: text("name").notNull(),
    /** The sender's `updated` (epoch ms): the version; an older one never replaces a newer. */
    version: integer("version").notNull(),
    status: text("status", { enum: ["active", "deleted"] }).notNull(),
    /** Which activity (or resync) brought this version. */
    activityId: text("activity_id").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    index("network_items_actor_idx").on(t.actorUri),
    index("network_items_resource_idx").on(t.kind, t.resourceUri),
  ],
);

export type UnitRow = typeof unitsTable.$inferSelect;
export type ResourceKindRow = typeof resourceKindsTable.$inferSelect;
export type SupplyItemRow = typeof supplyItemsTable.$inferSelect;
export type SupplyHistoryRow = typeof supplyHistoryTable.$inferSelect;
export type NetworkItemRow = typeof networkItemsTable.$inferSelect;
export type NetworkItemInsert = typeof networkItemsTable.$inferInsert;

/** Remote offers and needs we refused (malformed, or not their sender's to change), for the admin. */
export const networkRejectionsTable = sqliteTable("network_rejections", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  activityId: text("activity_id"),
  actorUri: text("actor_uri"),
  objectUri: text("object_uri"),
  reason: text("reason").notNull(),
  at: integer("at").notNull().default(now),
});
