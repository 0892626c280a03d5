import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Remote actors that follow one of our actors (the community, a driver). */
export const followersTable = sqliteTable(
  "followers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Identifier of our followed actor (the community handle or a driver id). */
    followee: text("followee").notNull(),
    actorUri: text("actor_uri").notNull(),
    inboxUrl: text("inbox_url").notNull(),
    sharedInboxUrl: text("shared_inbox_url"),
    followActivityId: text("follow_activity_id").notNull(),
    status: text("status", { enum: ["pending", "accepted"] }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("followers_followee_actor_idx").on(t.followee, t.actorUri)],
);

/** Remote actors our community follows, and how far each follow got. */
export const followingTable = sqliteTable("following", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  actorUri: text("actor_uri").notNull().unique(),
  inboxUrl: text("inbox_url").notNull(),
  sharedInboxUrl: text("shared_inbox_url"),
  handle: text("handle"),
  name: text("name"),
  followActivityId: text("follow_activity_id").notNull(),
  status: text("status", { enum: ["pending", "accepted", "rejected"] }).notNull(),
  createdAt: integer("created_at").notNull().default(now),
  updatedAt: integer("updated_at").notNull().default(now),
});

/**
 * The transactional outbox: every activity we publish is written here in the
 * same transaction as the change it announces, then handed to Fedify.
 */
export const outboxTable = sqliteTable(
  "outbox",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    activityId: text("activity_id").notNull().unique(),
    /** Identifier of the sending local actor. */
    sender: text("sender").notNull(),
    activityType: text("activity_type").notNull(),
    /** Compact JSON-LD of the activity. */
    activityJson: text("activity_json").notNull(),
    /** JSON: {"followers": true, "actors": [{"id","inbox","sharedInbox"}]} */
    audienceJson: text("audience_json").notNull(),
    /** Listed in the sender's public outbox collection. */
    listed: integer("listed", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
    dispatchedAt: integer("dispatched_at"),
  },
  (t) => [index("outbox_pending_idx").on(t.dispatchedAt, t.seq), index("outbox_sender_idx").on(t.sender, t.listed, t.seq)],
);

/** Ids of inbound activities whose effects have committed: a replay changes nothing. */
export const inboxLogTable = sqliteTable("inbox_log", {
  activityId: text("activity_id").primaryKey(),
  actorUri: text("actor_uri").notNull(),
  activityType: text("activity_type").notNull(),
  receivedAt: integer("received_at").notNull().default(now),
});

/** Deliveries Fedify gave up on, surfaced to the admin instead of lost silently. */
export const deliveryFailuresTable = sqliteTable("delivery_failures", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  activityId: text("activity_id"),
  activityType: text("activity_type"),
  inboxUrl: text("inbox_url").notNull(),
  reason: text("reason").notNull(),
  error: text("error"),
  failedAt: integer("failed_at").notNull().default(now),
});

export type FollowerRow = typeof followersTable.$inferSelect;
export type FollowingRow = typeof followingTable.$inferSelect;
export type OutboxRow = typeof outboxTable.$inferSelect;
