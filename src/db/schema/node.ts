import { sql } from "drizzle-orm";
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** The one community this node hosts; its handle fixes every actor URI, so it never changes. */
export const nodeIdentityTable = sqliteTable(
  "node_identity",
  {
    id: integer("id").primaryKey(),
    handle: text("handle").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [check("node_identity_single_row", sql`${t.id} = 1`)],
);

/** Admin bearer tokens; only a SHA-256 of each is kept. */
export const adminTokensTable = sqliteTable("admin_tokens", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  tokenHash: text("token_hash").notNull().unique(),
  label: text("label").notNull(),
  createdAt: integer("created_at").notNull().default(now),
  retiredAt: integer("retired_at"),
});

/** Key pairs of the actors this node hosts, as JWK; created once, kept forever. */
export const actorKeysTable = sqliteTable(
  "actor_keys",
  {
    actor: text("actor").notNull(),
    algorithm: text("algorithm", { enum: ["RSASSA-PKCS1-v1_5", "Ed25519"] }).notNull(),
    privateJwk: text("private_jwk").notNull(),
    publicJwk: text("public_jwk").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.actor, t.algorithm] })],
);

export type ActorKeyRow = typeof actorKeysTable.$inferSelect;
