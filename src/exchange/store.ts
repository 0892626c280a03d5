import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  type ExchangeRow,
  exchangeEventsTable,
  exchangesTable,
  type LegRequestRow,
  legRequestsTable,
  reservationsTable,
  type RoundRow,
  roundsTable,
} from "../db/schema/exchange.js";
import { deriveExchange, type ExchangeEvent, type ExchangeView } from "./state.js";

/** Persistence of rounds, exchanges, their events and the supplier's reservations. */

export type NewExchange = Omit<ExchangeRow, "haulsRequested" | "offerApplied" | "needApplied" | "createdAt">;

export function insertRound(db: Db, row: Omit<RoundRow, "createdAt">): void {
  db.insert(roundsTable).values(row).run();
}

export function findRound(db: Db, id: string): RoundRow | undefined {
  return db.select().from(roundsTable).where(eq(roundsTable.id, id)).get();
}

/** Records an exchange; a repeat (the same proposal received twice) changes nothing. */
export function insertExchange(db: Db, row: NewExchange): void {
  db.insert(exchangesTable).values(row).onConflictDoNothing({ target: exchangesTable.uri }).run();
}

export function findExchange(db: Db, uri: string): ExchangeRow | undefined {
  return db.select().from(exchangesTable).where(eq(exchangesTable.uri, uri)).get();
}

export function listExchanges(db: Db): ExchangeRow[] {
  return db.select().from(exchangesTable).orderBy(asc(exchangesTable.createdAt), asc(exchangesTable.uri)).all();
}

export function setFlags(db: Db, uri: string, flags: Partial<Pick<ExchangeRow, "haulsRequested" | "offerApplied" | "needApplied">>): void {
  db.update(exchangesTable).set(flags).where(eq(exchangesTable.uri, uri)).run();
}

/** Stores an event once; returns false when it was already stored (a duplicate changes nothing). */
export function addEvent(db: Db, exchangeUri: string, actor: string, event: ExchangeEvent): boolean {
  const r = db
    .insert(exchangeEventsTable)
    .values({ id: event.id, exchangeUri, kind: event.kind, actor, at: event.at, eventJson: JSON.stringify(event) })
    .onConflictDoNothing({ target: exchangeEventsTable.id })
    .run();
  return r.changes === 1;
}

export function eventsOf(db: Db, exchangeUri: string): { event: ExchangeEvent; actor: string }[] {
  return db
    .select()
    .from(exchangeEventsTable)
    .where(eq(exchangeEventsTable.exchangeUri, exchangeUri))
    .orderBy(asc(exchangeEventsTable.at), asc(exchangeEventsTable.id))
    .all()
    .map((r) => ({ event: JSON.parse(r.eventJson) as ExchangeEvent, actor: r.actor }));
}

export function viewOf(db: Db, exchangeUri: string, now: Date): ExchangeView {
  return deriveExchange(
    eventsOf(db, exchangeUri).map((e) => e.event),
    now,
  );
}

// ── reservations (supplier side) ─────────────────────────────────────────────

export function reservedOn(db: Db, offerId: string): number {
  const r = db
    .select({ total: sql<number>`coalesce(sum(${reservationsTable.quantity}), 0)` })
    .from(reservationsTable)
    .where(and(eq(reservationsTable.offerId, offerId), eq(reservationsTable.status, "active")))
    .get();
  return r?.total ?? 0;
}

/**
 * Reserves `quantity` of an offer for an exchange if it fits in what is still
 * free. Call inside the transaction that records the Accept: the check and
 * the insert are one step, so two rounds can never promise the same surplus.
 * A second call for the same exchange keeps the smaller quantity.
 */
export function reserve(db: Db, exchangeUri: string, offerId: string, quantity: number, available: number): boolean {
  const existing = db.select().from(reservationsTable).where(eq(reservationsTable.exchangeUri, exchangeUri)).get();
  if (existing?.status === "active") {
    if (quantity < existing.quantity) {
      db.update(reservationsTable).set({ quantity, updatedAt: Date.now() }).where(eq(reservationsTable.exchangeUri, exchangeUri)).run();
    }
    return true;
  }
  if (existing) return false;
  if (reservedOn(db, offerId) + quantity > available + 1e-9) return false;
  db.insert(reservationsTable).values({ exchangeUri, offerId, quantity, status: "active" }).run();
  return true;
}

export function findReservation(db: Db, exchangeUri: string) {
  return db.select().from(reservationsTable).where(eq(reservationsTable.exchangeUri, exchangeUri)).get();
}

/** Ends an active reservation: released (nothing moves) or used (the goods left). */
export function endReservation(db: Db, exchangeUri: string, status: "released" | "used"): boolean {
  const r = db
    .update(reservationsTable)
    .set({ status, updatedAt: Date.now() })
    .where(and(eq(reservationsTable.exchangeUri, exchangeUri), eq(reservationsTable.status, "active")))
    .run();
  return r.changes === 1;
}

// ── leg requests (proposer side) ─────────────────────────────────────────────

/** The haul requests made for one leg, oldest first. */
export function legRequestsOf(db: Db, exchangeUri: string, legId: string): LegRequestRow[] {
  return db
    .select()
    .from(legRequestsTable)
    .where(and(eq(legRequestsTable.exchangeUri, exchangeUri), eq(legRequestsTable.legId, legId)))
    .orderBy(asc(legRequestsTable.attempt))
    .all();
}

/**
 * Records request `attempt` for a leg; false when that attempt is already
 * recorded (another pass got there first) or is not the next one, so the
 * caller's transaction sends nothing.
 */
export function addLegRequest(db: Db, row: Omit<LegRequestRow, "createdAt">): boolean {
  const last = legRequestsOf(db, row.exchangeUri, row.legId).at(-1)?.attempt ?? 0;
  if (row.attempt !== last + 1) return false;
  db.insert(legRequestsTable).values(row).run();
  return true;
}
