import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/**
 * Planning rounds run on this node: the canonical problem, the plan, and the
 * round inputs (legs with drivers and departures), public at /rounds/{id}.
 */
export const roundsTable = sqliteTable("rounds", {
  id: text("id").primaryKey(),
  uri: text("uri").notNull().unique(),
  inputsJson: text("inputs_json").notNull(),
  problemJson: text("problem_json").notNull(),
  planJson: text("plan_json").notNull(),
  digest: text("digest").notNull(),
  plannerVersion: text("planner_version").notNull(),
  deadline: integer("deadline").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/**
 * Exchanges this node takes part in (as proposer, supplier, receiver or
 * carrier's community). The state is never stored: it is derived from the
 * events. The flags record which local side effects were already applied,
 * so the reconciler applies each exactly once.
 */
export const exchangesTable = sqliteTable("exchanges", {
  uri: text("uri").primaryKey(),
  roundUri: text("round_uri").notNull(),
  proposer: text("proposer").notNull(),
  supplier: text("supplier").notNull(),
  receiver: text("receiver").notNull(),
  offerUri: text("offer_uri").notNull(),
  needUri: text("need_uri").notNull(),
  unit: text("unit").notNull(),
  kgPerUnit: real("kg_per_unit").notNull(),
  /** Every party's inbox (communities and drivers), so each can address the others. */
  partiesJson: text("parties_json").notNull(),
  haulsRequested: integer("hauls_requested", { mode: "boolean" }).notNull().default(false),
  offerApplied: integer("offer_applied", { mode: "boolean" }).notNull().default(false),
  needApplied: integer("need_applied", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull().default(now),
});

/** Every exchange event this node has seen, once (keyed by the event id): the exchange's history. */
export const exchangeEventsTable = sqliteTable(
  "exchange_events",
  {
    id: text("id").primaryKey(),
    exchangeUri: text("exchange_uri").notNull(),
    kind: text("kind").notNull(),
    actor: text("actor").notNull(),
    at: text("at").notNull(),
    eventJson: text("event_json").notNull(),
    receivedAt: integer("received_at").notNull().default(now),
  },
  (t) => [index("exchange_events_exchange_idx").on(t.exchangeUri)],
);

/**
 * The supplier's promises: what it accepted to give from one of its offers.
 * An accept is recorded only if active reservations plus the new one fit in
 * the offer (checked in the same transaction), so no surplus is promised twice.
 */
export const reservationsTable = sqliteTable(
  "reservations",
  {
    exchangeUri: text("exchange_uri").primaryKey(),
    offerId: text("offer_id").notNull(),
    quantity: real("quantity").notNull(),
    status: text("status", { enum: ["active", "released", "used"] }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("reservations_offer_idx").on(t.offerId, t.status)],
);

/**
 * The proposer's haul requests per leg of an agreed exchange, numbered: a
 * leg nobody took is asked for again (attempt + 1) only on departures no
 * earlier attempt offered, so a replayed route update asks nobody twice.
 * The primary key makes two concurrent re-requests of one leg impossible.
 */
export const legRequestsTable = sqliteTable(
  "exchange_leg_requests",
  {
    exchangeUri: text("exchange_uri").notNull(),
    legId: text("leg_id").notNull(),
    attempt: integer("attempt").notNull(),
    haulUri: text("haul_uri").notNull(),
    /** The departures that could carry the leg when it was asked for (JSON array of URIs). */
    departuresJson: text("departures_json").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.exchangeUri, t.legId, t.attempt] })],
);

export type RoundRow = typeof roundsTable.$inferSelect;
export type ExchangeRow = typeof exchangesTable.$inferSelect;
export type ExchangeEventRow = typeof exchangeEventsTable.$inferSelect;
export type LegRequestRow = typeof legRequestsTable.$inferSelect;
