import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Fedify's key-value cache (remote keys, documents, idempotence marks). */
export const kvTable = sqliteTable(
  "kv",
  {
    key: text("key").primaryKey(),
    value: text("value").notNull(),
    /** Epoch milliseconds after which the entry is gone; null for never. */
    expiresAt: integer("expires_at"),
  },
  (t) => [index("kv_expires_at_idx").on(t.expiresAt)],
);

/**
 * Fedify's message queue. A row stays until its handler succeeded
 * (at-least-once); `lockedUntil` lets another worker take over a row whose
 * worker died mid-handling, and `lockedBy` (a per-claim token) keeps a worker
 * whose lease lapsed from touching a claim that is no longer its own.
 * `failedAt` parks a row that exhausted its attempts: kept for inspection and
 * requeueing, never handed out again on its own.
 */
export const queueTable = sqliteTable(
  "queue",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    payload: text("payload").notNull(),
    orderingKey: text("ordering_key"),
    availableAt: integer("available_at").notNull(),
    lockedUntil: integer("locked_until"),
    lockedBy: text("locked_by"),
    attempts: integer("attempts").notNull().default(0),
    failedAt: integer("failed_at"),
    createdAt: integer("created_at")
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [index("queue_available_idx").on(t.availableAt, t.id), index("queue_ordering_idx").on(t.orderingKey, t.id)],
);
