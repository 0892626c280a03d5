import { and, asc, eq, inArray, isNotNull, like, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  type DepartureLegRow,
  type DepartureRow,
  departureLegsTable,
  departuresTable,
  type HaulRow,
  haulChainsTable,
  haulDeclinesTable,
  haulRefusalsTable,
  haulsTable,
  type RouteRow,
  routesTable,
} from "../db/schema/transport.js";
import type { LegCapacity, LegSpan, Load } from "./capacity.js";
import type { KnownDeparture, KnownRoute, LegInfo } from "./route-graph.js";
import type { DepartureSpec } from "./schedule.js";

/** A stop as this node keeps it: enough to draw it and to address its community. */
export interface StoredStop {
  readonly uri: string;
  readonly name: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  readonly inbox: string | null;
  readonly sharedInbox: string | null;
}

/** A route with its departures and their legs, as built locally or received. */
export interface RouteSnapshot {
  readonly uri: string;
  readonly driverId: string | null;
  readonly driverUri: string;
  readonly driverInbox: string;
  readonly name: string;
  readonly stops: readonly StoredStop[];
  readonly legs: readonly LegInfo[];
  readonly schedule: readonly DepartureSpec[];
  readonly refrigerated: boolean;
  /** The room a new departure of our own route starts with; departures may differ from it (see departure-actions.ts). */
  readonly capacity?: { readonly kg: number; readonly m3: number } | null;
  readonly status: "active" | "withdrawn";
  readonly departures: readonly { uri: string; departsAt: number; cancelled: boolean; legs: readonly LegCapacity[] }[];
}

/** Saves a route and replaces its departures (a received Update carries the full picture). */
export function saveRoute(db: Db, r: RouteSnapshot): void {
  const row = {
    uri: r.uri,
    driverId: r.driverId,
    driverUri: r.driverUri,
    driverInbox: r.driverInbox,
    name: r.name,
    stopsJson: JSON.stringify(r.stops),
    legsJson: JSON.stringify(r.legs),
    scheduleJson: JSON.stringify(r.schedule),
    refrigerated: r.refrigerated,
    capacityKg: r.capacity?.kg ?? null,
    capacityM3: r.capacity?.m3 ?? null,
    status: r.status,
  };
  db.insert(routesTable)
    .values(row)
    .onConflictDoUpdate({ target: routesTable.uri, set: { ...row, updatedAt: Date.now() } })
    .run();
  db.delete(departuresTable).where(eq(departuresTable.routeUri, r.uri)).run();
  for (const d of r.departures) {
    db.insert(departuresTable).values({ uri: d.uri, routeUri: r.uri, departsAt: d.departsAt, cancelled: d.cancelled }).run();
    for (const l of d.legs) db.insert(departureLegsTable).values({ departureUri: d.uri, ...l }).run();
  }
}

export function findRoute(db: Db, uri: string): RouteRow | undefined {
  return db.select().from(routesTable).where(eq(routesTable.uri, uri)).get();
}

export function listRoutes(db: Db, filter: { driverId?: string } = {}): RouteRow[] {
  return db
    .select()
    .from(routesTable)
    .where(filter.driverId ? eq(routesTable.driverId, filter.driverId) : undefined)
    .orderBy(asc(routesTable.createdAt))
    .all();
}

export function stopsOf(route: RouteRow): StoredStop[] {
  return JSON.parse(route.stopsJson) as StoredStop[];
}

export function loadSnapshot(db: Db, route: RouteRow): RouteSnapshot {
  const deps = departuresOf(db, route.uri);
  const legs = legsOf(db, deps.map((d) => d.uri));
  return {
    uri: route.uri,
    driverId: route.driverId,
    driverUri: route.driverUri,
    driverInbox: route.driverInbox,
    name: route.name,
    stops: stopsOf(route),
    legs: JSON.parse(route.legsJson) as LegInfo[],
    schedule: JSON.parse(route.scheduleJson) as DepartureSpec[],
    refrigerated: route.refrigerated,
    capacity: route.capacityKg === null || route.capacityM3 === null ? null : { kg: route.capacityKg, m3: route.capacityM3 },
    status: route.status,
    departures: deps.map((d) => ({ uri: d.uri, departsAt: d.departsAt, cancelled: d.cancelled, legs: legs.get(d.uri) ?? [] })),
  };
}

export function departuresOf(db: Db, routeUri: string): DepartureRow[] {
  return db.select().from(departuresTable).where(eq(departuresTable.routeUri, routeUri)).orderBy(asc(departuresTable.departsAt)).all();
}

export function findDeparture(db: Db, uri: string): DepartureRow | undefined {
  return db.select().from(departuresTable).where(eq(departuresTable.uri, uri)).get();
}

export function legsOf(db: Db, departureUris: readonly string[]): Map<string, LegCapacity[]> {
  const out = new Map<string, LegCapacity[]>();
  if (departureUris.length === 0) return out;
  const rows: DepartureLegRow[] = db
    .select()
    .from(departureLegsTable)
    .where(inArray(departureLegsTable.departureUri, [...departureUris]))
    .orderBy(asc(departureLegsTable.leg))
    .all();
  for (const r of rows) {
    const list = out.get(r.departureUri) ?? [];
    list.push({ leg: r.leg, capacityKg: r.capacityKg, capacityM3: r.capacityM3, remainingKg: r.remainingKg, remainingM3: r.remainingM3 });
    out.set(r.departureUri, list);
  }
  return out;
}

/** Everything the route graph is built from. */
export function graphInput(db: Db): { routes: KnownRoute[]; departures: KnownDeparture[] } {
  const routes = db.select().from(routesTable).all();
  const departures = db.select().from(departuresTable).all();
  const legs = legsOf(db, departures.map((d) => d.uri));
  return {
    routes: routes.map((r) => ({
      uri: r.uri,
      driverUri: r.driverUri,
      stops: stopsOf(r).map(({ uri, name, lat, lon }) => ({ uri, name, lat, lon })),
      legs: JSON.parse(r.legsJson) as LegInfo[],
      refrigerated: r.refrigerated,
      withdrawn: r.status === "withdrawn",
    })),
    departures: departures.map((d) => ({ uri: d.uri, routeUri: d.routeUri, departsAt: d.departsAt, cancelled: d.cancelled, legs: legs.get(d.uri) ?? [] })),
  };
}

/**
 * Takes `load` off every leg of `span` in one UPDATE guarded by the remaining
 * capacity. Returns false (and changes nothing) when any leg is short: call
 * inside a transaction, which the caller rolls back on false.
 */
export function reserveLegs(db: Db, departureUri: string, span: LegSpan, load: Load): boolean {
  const result = db
    .update(departureLegsTable)
    .set({
      remainingKg: sql`${departureLegsTable.remainingKg} - ${load.weightKg}`,
      remainingM3: sql`${departureLegsTable.remainingM3} - ${load.volumeM3}`,
    })
    .where(
      and(
        eq(departureLegsTable.departureUri, departureUri),
        sql`${departureLegsTable.leg} BETWEEN ${span.fromLeg} AND ${span.toLeg}`,
        sql`${departureLegsTable.remainingKg} >= ${load.weightKg}`,
        sql`${departureLegsTable.remainingM3} >= ${load.volumeM3}`,
      ),
    )
    .run();
  return result.changes === span.toLeg - span.fromLeg + 1;
}

export function releaseLegs(db: Db, departureUri: string, span: LegSpan, load: Load): void {
  db.update(departureLegsTable)
    .set({
      remainingKg: sql`MIN(${departureLegsTable.capacityKg}, ${departureLegsTable.remainingKg} + ${load.weightKg})`,
      remainingM3: sql`MIN(${departureLegsTable.capacityM3}, ${departureLegsTable.remainingM3} + ${load.volumeM3})`,
    })
    .where(and(eq(departureLegsTable.departureUri, departureUri), sql`${departureLegsTable.leg} BETWEEN ${span.fromLeg} AND ${span.toLeg}`))
    .run();
}

export function withdrawRoute(db: Db, uri: string): void {
  db.update(routesTable).set({ status: "withdrawn", updatedAt: Date.now() }).where(eq(routesTable.uri, uri)).run();
  db.update(departuresTable).set({ cancelled: true }).where(eq(departuresTable.routeUri, uri)).run();
}

export function cancelDeparture(db: Db, uri: string): void {
  db.update(departuresTable).set({ cancelled: true }).where(eq(departuresTable.uri, uri)).run();
}

// ── haul requests ────────────────────────────────────────────────────────────

export type NewHaul = Omit<typeof haulsTable.$inferInsert, "id" | "createdAt" | "updatedAt">;

/** Records a haul request (or a copy received from its requester); a repeat changes nothing. */
export function insertHaul(db: Db, h: NewHaul): HaulRow {
  db.insert(haulsTable).values(h).onConflictDoNothing({ target: haulsTable.uri }).run();
  return findHaulByUri(db, h.uri)!;
}

export function findHaul(db: Db, id: number): HaulRow | undefined {
  return db.select().from(haulsTable).where(eq(haulsTable.id, id)).get();
}

export function findHaulByUri(db: Db, uri: string): HaulRow | undefined {
  return db.select().from(haulsTable).where(eq(haulsTable.uri, uri)).get();
}

export function listHauls(db: Db): HaulRow[] {
  return db.select().from(haulsTable).orderBy(asc(haulsTable.id)).all();
}

export function updateHaul(db: Db, id: number, set: Partial<NewHaul>): void {
  db.update(haulsTable).set({ ...set, updatedAt: Date.now() }).where(eq(haulsTable.id, id)).run();
}

/** Moves a haul from `from` status to accepted only if nobody else did first (guarded UPDATE). */
export function claimHaul(db: Db, id: number, set: Partial<NewHaul>): boolean {
  const r = db
    .update(haulsTable)
    .set({ ...set, status: "accepted", updatedAt: Date.now() })
    .where(and(eq(haulsTable.id, id), eq(haulsTable.status, "open")))
    .run();
  return r.changes === 1;
}

export function hasDeclined(db: Db, haulUri: string, driverId: string): boolean {
  return db.select().from(haulDeclinesTable).where(and(eq(haulDeclinesTable.haulUri, haulUri), eq(haulDeclinesTable.driverId, driverId))).get() !== undefined;
}

export function recordDecline(db: Db, haulUri: string, driverId: string): void {
  db.insert(haulDeclinesTable).values({ haulUri, driverId }).onConflictDoNothing().run();
}

/** The segments of a chain this node knows, in driving order. */
export function haulsInChain(db: Db, chainUri: string): HaulRow[] {
  return db.select().from(haulsTable).where(eq(haulsTable.chainUri, chainUri)).orderBy(asc(haulsTable.chainIndex)).all();
}

/** A chain's URI from the id at its end (`…/hauls/chains/{id}`), whichever node requested it. */
export function findChainUri(db: Db, id: string): string | undefined {
  return db
    .select({ uri: haulsTable.chainUri })
    .from(haulsTable)
    .where(like(haulsTable.chainUri, `%/hauls/chains/${id}`))
    .get()?.uri ?? undefined;
}

/** Hauls riding on any departure of a route. */
export function haulsOnRoute(db: Db, routeUri: string): HaulRow[] {
  const deps = departuresOf(db, routeUri).map((d) => d.uri);
  if (deps.length === 0) return [];
  return db.select().from(haulsTable).where(and(isNotNull(haulsTable.departureUri), inArray(haulsTable.departureUri, deps))).all();
}

/** Hauls (chain segments or not) this requester asked for that still wait for or have a driver. */
export function openHaulsRequestedBy(db: Db, requesterUri: string): HaulRow[] {
  return db
    .select()
    .from(haulsTable)
    .where(and(eq(haulsTable.requesterUri, requesterUri), inArray(haulsTable.status, ["open", "accepted"])))
    .orderBy(asc(haulsTable.id))
    .all();
}

/** A driver's decline or withdrawal of one of our requests; a replay changes nothing. Returns true when new. */
export function recordRefusal(db: Db, haulUri: string, driverUri: string, kind: "decline" | "withdraw"): boolean {
  return db.insert(haulRefusalsTable).values({ haulUri, driverUri, kind }).onConflictDoNothing().run().changes > 0;
}

/** The drivers who declined or withdrew from each of these hauls. */
export function refusalsOf(db: Db, haulUris: readonly string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>(haulUris.map((u) => [u, new Set<string>()]));
  if (haulUris.length === 0) return out;
  for (const r of db.select().from(haulRefusalsTable).where(inArray(haulRefusalsTable.haulUri, [...haulUris])).all())
    out.get(r.haulUri)?.add(r.driverUri);
  return out;
}

/** The window a chain was requested for (requester only). */
export function saveChainWindow(db: Db, uri: string, window: { start: number; end: number }): void {
  db.insert(haulChainsTable).values({ uri, windowStart: window.start, windowEnd: window.end }).onConflictDoNothing().run();
}

export function chainWindow(db: Db, uri: string): { start: number; end: number } | undefined {
  const r = db.select().from(haulChainsTable).where(eq(haulChainsTable.uri, uri)).get();
  return r ? { start: r.windowStart, end: r.windowEnd } : undefined;
}
