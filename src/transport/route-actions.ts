import { Group } from "@fedify/vocab";
import type { DriverRow } from "../db/schema/transport.js";
import { commitWithActivities } from "../federation/outbox.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { lookupActor } from "../network/follow-actor.js";
import { initialLegs } from "./capacity.js";
import { driverIdentifier } from "./drivers.js";
import { followRoutePeers, PLANNING_HORIZON_DAYS, prepareRouteActivity, routeGraphGrew } from "./federate.js";
import { departuresWithdrawn } from "./federate-replan.js";
import { DEPARTURE_WITHDRAWN } from "./replan.js";
import { departureUri } from "./roll-forward.js";
import type { LegInfo } from "./route-graph.js";
import { checkSpec, type DepartureSpec, expandAll } from "./schedule.js";
import {
  cancelDeparture,
  findDeparture,
  findRoute,
  haulsOnRoute,
  loadSnapshot,
  type RouteSnapshot,
  type StoredStop,
  saveRoute,
  updateHaul,
  withdrawRoute,
} from "./store.js";

/**
 * What a driver does with routes, shared by the JSON API and the web pages:
 * each function checks the input, changes the rows and sends the activity in
 * one transaction, and throws an HttpProblem (naming the field, in the API's
 * terms: `stops[1]`, `departures[0].at`) when the rules refuse.
 */

const DAY = 86_400_000;

export interface RouteInput {
  readonly name: string;
  /** Community actor URIs, in driving order. */
  readonly stops: readonly string[];
  /** One per consecutive pair of stops. */
  readonly legs: readonly LegInfo[];
  readonly capacityKg: number;
  readonly capacityM3: number;
  readonly refrigerated?: boolean;
  readonly departures: readonly DepartureSpec[];
}

type Ctx = ReturnType<HttpDeps["context"]>;

const routeUriOf = (deps: HttpDeps, id: string) => new URL(`/routes/${id}`, deps.services.config.origin).href;
const driverUriOf = (deps: HttpDeps, driver: DriverRow) => deps.context().getActorUri(driverIdentifier(driver.id)).href;

/** Publishes a route: saved with its departures and announced (Create) to every community on it, in one transaction. */
export async function publishRoute(
  deps: HttpDeps,
  driver: DriverRow,
  input: RouteInput,
  now = new Date(),
): Promise<RouteSnapshot> {
  const { services } = deps;
  if (input.stops.length < 2) throw HttpProblem.invalid("stops", "needs at least two stops");
  if (input.legs.length !== input.stops.length - 1) {
    throw HttpProblem.invalid(
      "legs",
      `needs one entry per leg: ${input.stops.length - 1} for ${input.stops.length} stops, got ${input.legs.length}`,
    );
  }
  const seen = new Set<string>();
  input.stops.forEach((s, i) => {
    if (seen.has(s)) throw HttpProblem.invalid(`stops[${i}]`, "appears twice on the route");
    seen.add(s);
  });
  input.legs.forEach((l, i) => {
    if (!(l.distanceKm >= 0)) throw HttpProblem.invalid(`legs[${i}].distanceKm`, "must not be negative");
    if (!(l.durationMinutes >= 0)) throw HttpProblem.invalid(`legs[${i}].durationMinutes`, "must not be negative");
  });
  if (!(input.capacityKg >= 0)) throw HttpProblem.invalid("capacityKg", "must not be negative");
  if (!(input.capacityM3 >= 0)) throw HttpProblem.invalid("capacityM3", "must not be negative");
  if (input.departures.length === 0) throw HttpProblem.invalid("departures", "needs at least one departure");
  input.departures.forEach((spec, i) => {
    const problem = checkSpec(spec, `departures[${i}]`, now);
    if (problem) throw HttpProblem.invalid(problem.field, problem.reason);
  });
  const times = expandAll(input.departures, now, new Date(now.getTime() + PLANNING_HORIZON_DAYS * DAY));
  if (times.length === 0)
    throw HttpProblem.invalid("departures", `none falls within the next ${PLANNING_HORIZON_DAYS} days`);

  const ctx = deps.context();
  const stops = await Promise.all(input.stops.map((uri, i) => resolveStop(ctx, uri, i)));
  const uri = routeUriOf(deps, crypto.randomUUID());
  const route: RouteSnapshot = {
    uri,
    driverId: driver.id,
    driverUri: driverUriOf(deps, driver),
    driverInbox: ctx.getInboxUri(driverIdentifier(driver.id)).href,
    name: input.name,
    stops,
    legs: input.legs,
    schedule: input.departures,
    refrigerated: input.refrigerated ?? false,
    capacity: { kg: input.capacityKg, m3: input.capacityM3 },
    status: "active",
    departures: times.map((t) => ({
      uri: departureUri(uri, t),
      departsAt: t.getTime(),
      cancelled: false,
      legs: initialLegs(stops.length - 1, input.capacityKg, input.capacityM3),
    })),
  };
  const create = await prepareRouteActivity(ctx, "create", route, driverIdentifier(driver.id));
  commitWithActivities(services, (emit) => {
    saveRoute(services.db, route);
    emit(create);
  });
  // Our own community on the route is joined to the others just as a remote one is.
  void followRoutePeers(ctx, stops).catch((err: unknown) => services.log.warn({ err }, "following route peers failed"));
  // Exchanges with a leg nobody carries get another look now that a departure is new.
  void routeGraphGrew(ctx);
  return route;
}

/** The driver's own route by its id; refuses another driver's. */
function ownRoute(deps: HttpDeps, driver: DriverRow, id: string) {
  const row = findRoute(deps.services.db, routeUriOf(deps, id));
  if (!row) throw HttpProblem.of("notFound", `No route ${id}`);
  if (row.driverId !== driver.id) throw HttpProblem.of("forbidden", "This route belongs to another driver.");
  return row;
}

/**
 * Withdraws a route: flags the haul requests on it and tells the communities
 * (Delete), in one transaction; then re-plans chains this node asked for.
 */
export async function withdrawDriverRoute(
  deps: HttpDeps,
  driver: DriverRow,
  id: string,
): Promise<{ route: RouteSnapshot; flaggedHauls: string[] }> {
  const { services } = deps;
  const { db } = services;
  const row = ownRoute(deps, driver, id);
  if (row.status === "withdrawn") throw HttpProblem.of("conflict", "The route is already withdrawn.");
  const snapshot = loadSnapshot(db, row);
  const affected = haulsOnRoute(db, row.uri).filter((h) => h.status !== "received" && h.status !== "cancelled");
  const parties = affected.flatMap((h) => JSON.parse(h.partiesJson));
  const del = await prepareRouteActivity(deps.context(), "delete", snapshot, driverIdentifier(driver.id), parties);
  commitWithActivities(services, (emit) => {
    withdrawRoute(db, row.uri);
    for (const h of affected) updateHaul(db, h.id, { flag: "route_withdrawn" });
    emit(del);
  });
  await departuresWithdrawn(deps.context(), row.driverUri);
  return { route: { ...snapshot, status: "withdrawn" }, flaggedHauls: affected.map((h) => h.uri) };
}

/**
 * Withdraws one departure (`stamp` is the last segment of its URI, e.g.
 * 20261201T063000Z): flags the haul requests on it and re-publishes the route
 * without it (Update), in one transaction; then re-plans chains this node asked for.
 */
export async function withdrawDriverDeparture(
  deps: HttpDeps,
  driver: DriverRow,
  id: string,
  stamp: string,
): Promise<{ route: RouteSnapshot; flaggedHauls: string[] }> {
  const { services } = deps;
  const { db } = services;
  const row = ownRoute(deps, driver, id);
  const depUri = `${row.uri}/departures/${stamp}`;
  const dep = findDeparture(db, depUri);
  if (!dep) throw HttpProblem.of("notFound", `No departure ${stamp} on this route`);
  if (dep.cancelled) throw HttpProblem.of("conflict", "The departure is already withdrawn.");
  const affected = haulsOnRoute(db, row.uri).filter(
    (h) => h.departureUri === depUri && h.status !== "received" && h.status !== "cancelled",
  );
  const parties = affected.flatMap((h) => JSON.parse(h.partiesJson));
  const before = loadSnapshot(db, row);
  const after = {
    ...before,
    departures: before.departures.map((x) => (x.uri === depUri ? { ...x, cancelled: true } : x)),
  };
  // The Update omits the cancelled departure: every receiver flags its hauls on it.
  const update = await prepareRouteActivity(deps.context(), "update", after, driverIdentifier(driver.id), parties);
  commitWithActivities(services, (emit) => {
    cancelDeparture(db, depUri);
    for (const h of affected) updateHaul(db, h.id, { flag: DEPARTURE_WITHDRAWN });
    emit(update);
  });
  await departuresWithdrawn(deps.context(), row.driverUri);
  return { route: after, flaggedHauls: affected.map((h) => h.uri) };
}

/** A stop must be a community (Group) actor we can fetch; anything else is refused, naming the stop. */
export async function resolveStop(ctx: Ctx, uri: string, i: number): Promise<StoredStop> {
  const { config } = ctx.data;
  if (uri === ctx.getActorUri(config.handle).href) {
    return {
      uri,
      name: config.name,
      lat: config.location?.lat ?? null,
      lon: config.location?.lon ?? null,
      inbox: ctx.getInboxUri(config.handle).href,
      sharedInbox: ctx.getInboxUri().href,
    };
  }
  const actor = await lookupActor(ctx, uri);
  if (actor === "unreachable")
    throw HttpProblem.of("unprocessable", `stops[${i}]: ${uri} could not be fetched`, {
      errors: [{ name: `stops[${i}]`, reason: "could not be fetched as an ActivityPub actor" }],
    });
  if (actor === "not-an-actor" || !(actor instanceof Group)) {
    throw HttpProblem.of("unprocessable", `stops[${i}]: ${uri} is not a community actor`, {
      errors: [{ name: `stops[${i}]`, reason: "is not a community (Group) actor" }],
    });
  }
  const place = await actor.getLocation().catch(() => null);
  const lat = place && "latitude" in place ? (place.latitude ?? null) : null;
  const lon = place && "longitude" in place ? (place.longitude ?? null) : null;
  return {
    uri: actor.id!.href,
    name: actor.name?.toString() ?? null,
    lat: typeof lat === "number" ? lat : null,
    lon: typeof lon === "number" ? lon : null,
    inbox: actor.inboxId!.href,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
  };
}
