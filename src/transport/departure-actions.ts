import type { DriverRow } from "../db/schema/transport.js";
import { commitWithActivities } from "../federation/outbox.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem, validationProblem } from "../lib/problem.js";
import { initialLegs, resize } from "./capacity.js";
import { driverIdentifier } from "./drivers.js";
import { PLANNING_HORIZON_DAYS, prepareRouteActivity, routeGraphGrew } from "./federate.js";
import { departureUri } from "./roll-forward.js";
import { checkSpec } from "./schedule.js";
import { findRoute, loadSnapshot, type RouteSnapshot, saveRoute } from "./store.js";

/**
 * Departures one by one, shared by the JSON API and the driver's pages: a
 * driver adds a one-off departure to a route, or resizes one departure's
 * room (another vehicle that day), without re-publishing the route from
 * scratch. Each change is announced to the communities on the route as an
 * Update of it, in the same transaction. Refusals are HttpProblems naming
 * the field in the API's terms (`at`, `capacityKg`, `capacityM3`).
 */

const DAY = 86_400_000;
/** A change is prepared (signed) before its transaction; if a haul booked room in between, prepare again. */
const ATTEMPTS = 3;

export interface Room {
  readonly capacityKg?: number;
  readonly capacityM3?: number;
}

/** A one-off departure: `at` is an ISO-8601 instant; the room defaults to the route's. */
export type DepartureInput = { readonly at: string } & Room;

/**
 * The room asked for is below what is already booked on a leg. A validation
 * problem like any other for the API; the pages read `booked` and `leg` to
 * say it in their own language.
 */
export class BelowBooked extends HttpProblem {
  constructor(
    readonly field: "capacityKg" | "capacityM3",
    readonly leg: number,
    readonly booked: number,
  ) {
    const unit = field === "capacityKg" ? "kg" : "m³";
    super(
      validationProblem([
        { name: field, reason: `${booked} ${unit} is already booked on leg ${leg + 1}; the room cannot go below it` },
      ]),
    );
  }
}

/** The driver's own, still active route by its id (the last segment of its URI). */
function ownActiveRoute(deps: HttpDeps, driver: DriverRow, id: string) {
  const row = findRoute(deps.services.db, new URL(`/routes/${id}`, deps.services.config.origin).href);
  if (!row) throw HttpProblem.of("notFound", `No route ${id}`);
  if (row.driverId !== driver.id) throw HttpProblem.of("forbidden", "This route belongs to another driver.");
  if (row.status === "withdrawn") throw HttpProblem.of("conflict", "The route is withdrawn.");
  return row;
}

function checkRoom(room: Room): void {
  if (room.capacityKg !== undefined && !(room.capacityKg >= 0))
    throw HttpProblem.invalid("capacityKg", "must not be negative");
  if (room.capacityM3 !== undefined && !(room.capacityM3 >= 0))
    throw HttpProblem.invalid("capacityM3", "must not be negative");
}

/** Re-reads the route, applies `change`, and saves it with its Update unless a concurrent change came first. */
async function publishChange(
  deps: HttpDeps,
  routeUri: string,
  driverId: string,
  change: (before: RouteSnapshot) => RouteSnapshot,
): Promise<RouteSnapshot> {
  const { services } = deps;
  const { db } = services;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = loadSnapshot(db, findRoute(db, routeUri)!);
    const after = change(before);
    const update = await prepareRouteActivity(deps.context(), "update", after, driverIdentifier(driverId));
    const saved = commitWithActivities(services, (emit) => {
      const current = findRoute(db, routeUri);
      if (!current || JSON.stringify(loadSnapshot(db, current)) !== JSON.stringify(before)) return false;
      saveRoute(db, after);
      emit(update);
      return true;
    });
    if (saved) return after;
  }
  throw HttpProblem.of("conflict", "The route kept changing while this change was made; try again.");
}

/**
 * Adds a one-off departure at the instant `at` (ISO-8601) with its own room,
 * the route's by default, and tells the communities on the route.
 */
export async function addDeparture(
  deps: HttpDeps,
  driver: DriverRow,
  id: string,
  input: DepartureInput,
  now = new Date(),
): Promise<{ route: RouteSnapshot; departure: string }> {
  const { db } = deps.services;
  const row = ownActiveRoute(deps, driver, id);
  const problem = checkSpec({ at: input.at }, "body", now);
  if (problem) throw HttpProblem.invalid(problem.field.replace(/^body\./, ""), problem.reason);
  checkRoom(input);
  const at = new Date(Date.parse(input.at));
  if (at.getTime() > now.getTime() + PLANNING_HORIZON_DAYS * DAY) {
    throw HttpProblem.invalid("at", `is beyond the ${PLANNING_HORIZON_DAYS}-day planning horizon`);
  }
  const snapshot = loadSnapshot(db, row);
  const kg = input.capacityKg ?? snapshot.capacity?.kg ?? snapshot.departures[0]?.legs[0]?.capacityKg;
  const m3 = input.capacityM3 ?? snapshot.capacity?.m3 ?? snapshot.departures[0]?.legs[0]?.capacityM3;
  if (kg === undefined) throw HttpProblem.invalid("capacityKg", "is needed: the route has no room of its own to copy");
  if (m3 === undefined) throw HttpProblem.invalid("capacityM3", "is needed: the route has no room of its own to copy");
  const uri = departureUri(row.uri, at);
  if (snapshot.departures.some((x) => x.uri === uri))
    throw HttpProblem.invalid("at", "the route already has a departure at that time");
  const after = await publishChange(deps, row.uri, driver.id, (before) => ({
    ...before,
    schedule: [...before.schedule, { at: at.toISOString() }],
    departures: [
      ...before.departures,
      { uri, departsAt: at.getTime(), cancelled: false, legs: initialLegs(before.legs.length, kg, m3) },
    ].sort((a, b) => a.departsAt - b.departsAt),
  }));
  // Exchanges with a leg nobody carries get another look now that a departure is new.
  void routeGraphGrew(deps.context());
  return { route: after, departure: uri };
}

/**
 * Resizes one departure's room (`stamp` is the last segment of its URI);
 * what is already booked stays, so the room may not go below it.
 */
export async function resizeDeparture(
  deps: HttpDeps,
  driver: DriverRow,
  id: string,
  stamp: string,
  room: Room,
): Promise<RouteSnapshot> {
  const { db } = deps.services;
  const row = ownActiveRoute(deps, driver, id);
  if (room.capacityKg === undefined && room.capacityM3 === undefined)
    throw HttpProblem.invalid("capacityKg", "give capacityKg, capacityM3 or both");
  checkRoom(room);
  const uri = `${row.uri}/departures/${stamp}`;
  const check = (before: RouteSnapshot) => {
    const dep = before.departures.find((x) => x.uri === uri);
    if (!dep) throw HttpProblem.of("notFound", `No departure ${stamp} on this route`);
    if (dep.cancelled) throw HttpProblem.of("conflict", "The departure is withdrawn.");
    if (dep.departsAt <= Date.now()) throw HttpProblem.of("conflict", "The departure has already left.");
    const resized = resize(dep.legs, room);
    if (!resized.ok) throw new BelowBooked(resized.field, resized.leg, resized.booked);
    return resized.legs;
  };
  check(loadSnapshot(db, row));
  return publishChange(deps, row.uri, driver.id, (before) => ({
    ...before,
    departures: before.departures.map((x) => (x.uri === uri ? { ...x, legs: check(before) } : x)),
  }));
}
