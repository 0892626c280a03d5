import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** Drivers whose home is this node; each is a federated Person actor `driver-<id>`. */
export const driversTable = sqliteTable("transport_drivers", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  contact: text("contact").notNull(),
  /** JSON: [{name, capacityKg, capacityM3, refrigerated}] */
  vehiclesJson: text("vehicles_json").notNull(),
  /** SHA-256 (hex) of the driver's API token; the token itself is shown once. */
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: integer("created_at").notNull().default(now),
});

/**
 * Routes this node knows: its own drivers' (driverId set; this node is the
 * authority) and those received from other nodes (the route graph's input).
 */
export const routesTable = sqliteTable(
  "transport_routes",
  {
    uri: text("uri").primaryKey(),
    /** Local driver id when the route is ours; null for a route received from elsewhere. */
    driverId: text("driver_id"),
    driverUri: text("driver_uri").notNull(),
    driverInbox: text("driver_inbox").notNull(),
    name: text("name").notNull(),
    /** JSON: [{uri, name, lat, lon, inbox, sharedInbox}] in driving order. */
    stopsJson: text("stops_json").notNull(),
    /** JSON: [{distanceKm, durationMinutes}], one per leg. */
    legsJson: text("legs_json").notNull(),
    /** JSON: the departure specs as published (one-off and weekly). */
    scheduleJson: text("schedule_json").notNull(),
    refrigerated: integer("refrigerated", { mode: "boolean" }).notNull(),
    /** The room a new departure starts with (our own routes; null for received ones, whose departures carry it). */
    capacityKg: real("capacity_kg"),
    capacityM3: real("capacity_m3"),
    status: text("status", { enum: ["active", "withdrawn"] }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [index("transport_routes_driver_idx").on(t.driverId)],
);

/** Concrete departures of a route (recurrences expanded over the planning horizon). */
export const departuresTable = sqliteTable(
  "transport_departures",
  {
    uri: text("uri").primaryKey(),
    routeUri: text("route_uri")
      .notNull()
      .references(() => routesTable.uri, { onDelete: "cascade" }),
    departsAt: integer("departs_at").notNull(),
    cancelled: integer("cancelled", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [index("transport_departures_route_idx").on(t.routeUri, t.departsAt)],
);

/** Capacity per leg of a departure. Remaining capacity only goes down through one guarded UPDATE. */
export const departureLegsTable = sqliteTable(
  "transport_departure_legs",
  {
    departureUri: text("departure_uri")
      .notNull()
      .references(() => departuresTable.uri, { onDelete: "cascade" }),
    leg: integer("leg").notNull(),
    capacityKg: real("capacity_kg").notNull(),
    capacityM3: real("capacity_m3").notNull(),
    remainingKg: real("remaining_kg").notNull(),
    remainingM3: real("remaining_m3").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.departureUri, t.leg] }),
    check("transport_leg_remaining_kg", sql`${t.remainingKg} >= 0 AND ${t.remainingKg} <= ${t.capacityKg}`),
    check("transport_leg_remaining_m3", sql`${t.remainingM3} >= 0 AND ${t.remainingM3} <= ${t.capacityM3}`),
  ],
);

/**
 * Haul requests. The requesting community's node holds the original; the
 * drivers' nodes and the destination community keep copies, all keyed by
 * the request's URI.
 */
export const haulsTable = sqliteTable(
  "transport_hauls",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    uri: text("uri").notNull().unique(),
    requesterUri: text("requester_uri").notNull(),
    fromUri: text("from_uri").notNull(),
    toUri: text("to_uri").notNull(),
    resource: text("resource").notNull(),
    quantity: real("quantity").notNull(),
    unit: text("unit").notNull(),
    weightKg: real("weight_kg").notNull(),
    volumeM3: real("volume_m3").notNull(),
    windowStart: integer("window_start").notNull(),
    windowEnd: integer("window_end").notNull(),
    reason: text("reason"),
    status: text("status", {
      enum: ["open", "accepted", "picked_up", "handed_over", "delivered", "received", "cancelled"],
    }).notNull(),
    /** JSON: driver actor URIs the request was sent to. */
    driversJson: text("drivers_json").notNull(),
    /** JSON: the communities concerned [{id, inbox, sharedInbox}], to address updates. */
    partiesJson: text("parties_json").notNull(),
    driverUri: text("driver_uri"),
    departureUri: text("departure_uri"),
    fromLeg: integer("from_leg"),
    toLeg: integer("to_leg"),
    pickedUp: real("picked_up"),
    delivered: real("delivered"),
    received: real("received"),
    difference: real("difference"),
    /** JSON: stop URIs where the goods were handed over. */
    handedOverJson: text("handed_over_json").notNull().default("[]"),
    /** Set when the route or departure carrying it was withdrawn or changed. */
    flag: text("flag"),
    /**
     * A haul of one departure cancelled by a re-plan: the URI of the haul that
     * replaced it, or of the chain when the new way needs hand-overs.
     */
    replacedBy: text("replaced_by"),
    /**
     * A way that needs several drivers is requested as one haul per segment,
     * linked by the chain's URI; index from 0 in driving order. All null for
     * a haul carried by one departure.
     */
    chainUri: text("chain_uri"),
    chainIndex: integer("chain_index"),
    chainLength: integer("chain_length"),
    createdAt: integer("created_at").notNull().default(now),
    updatedAt: integer("updated_at").notNull().default(now),
  },
  (t) => [
    index("transport_hauls_status_idx").on(t.status),
    index("transport_hauls_chain_idx").on(t.chainUri, t.chainIndex),
  ],
);

/** Drivers who declined a request: it stays open for the others, but leaves this driver's list. */
export const haulDeclinesTable = sqliteTable(
  "transport_haul_declines",
  {
    haulUri: text("haul_uri").notNull(),
    driverId: text("driver_id").notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.haulUri, t.driverId] })],
);

/**
 * At the requesting node: which remote or local driver declined or withdrew
 * from which of our haul requests (by the driver's actor URI), so the
 * requester can tell when a chain segment has nobody left to carry it.
 */
export const haulRefusalsTable = sqliteTable(
  "transport_haul_refusals",
  {
    haulUri: text("haul_uri").notNull(),
    driverUri: text("driver_uri").notNull(),
    kind: text("kind", { enum: ["decline", "withdraw"] }).notNull(),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.haulUri, t.driverUri] })],
);

/**
 * At the requesting node: the window a chain was requested for (its segment
 * rows carry only the departure windows of their planned ways), so a
 * re-plan searches the whole window the requester asked for.
 */
export const haulChainsTable = sqliteTable("transport_haul_chains", {
  uri: text("uri").primaryKey(),
  windowStart: integer("window_start").notNull(),
  windowEnd: integer("window_end").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

export type DriverRow = typeof driversTable.$inferSelect;
export type RouteRow = typeof routesTable.$inferSelect;
export type DepartureRow = typeof departuresTable.$inferSelect;
export type DepartureLegRow = typeof departureLegsTable.$inferSelect;
export type HaulRow = typeof haulsTable.$inferSelect;
