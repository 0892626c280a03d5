import type { DriverRow, HaulRow } from "../db/schema/transport.js";
import type { HaulEventPayload } from "../federation/mappers/haul.js";
import { commitWithActivities } from "../federation/outbox.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { spanOf } from "./capacity.js";
import { driverIdentifier } from "./drivers.js";
import { prepareHaulEvent, publishCapacity } from "./federate.js";
import { replanAfterRefusal } from "./federate-replan.js";
import { checkPickup } from "./hand-over.js";
import { haulStepRecorded, haulStepSettled } from "./haul-observers.js";
import { fieldsOf, releaseIfCarriedHere, stateOf } from "./haul-rows.js";
import { applyHaulEvent, type HaulEvent } from "./hauls.js";
import { DEPARTURE_WITHDRAWN } from "./replan.js";
import {
  claimHaul,
  findDeparture,
  findHaul,
  findRoute,
  hasDeclined,
  haulsInChain,
  listHauls,
  listRoutes,
  loadSnapshot,
  recordDecline,
  recordRefusal,
  reserveLegs,
  stopsOf,
  updateHaul,
} from "./store.js";
import { fitsWindow } from "./ways.js";

/**
 * What a driver does with haul requests, shared by the JSON API and the web
 * pages: each function checks, changes the row and sends the activity in one
 * transaction, and throws an HttpProblem when the rules refuse.
 */

export interface HaulFit {
  readonly route: string;
  readonly departure: string;
  readonly departsAt: number;
  readonly fromLeg: number;
  readonly toLeg: number;
}

/** Open requests that fit one of the driver's departures (with room left), and the hauls the driver carries. */
export function driverHauls(deps: HttpDeps, driver: DriverRow): { open: { haul: HaulRow; fits: HaulFit[] }[]; accepted: HaulRow[] } {
  const { db } = deps.services;
  const me = driverActor(deps, driver);
  const mine = listRoutes(db, { driverId: driver.id })
    .filter((r) => r.status === "active")
    .map((r) => loadSnapshot(db, r));
  const open: { haul: HaulRow; fits: HaulFit[] }[] = [];
  const accepted: HaulRow[] = [];
  for (const h of listHauls(db)) {
    if (h.driverUri === me) accepted.push(h);
    if (h.status !== "open" || hasDeclined(db, h.uri, driver.id) || onlyWatches(h, me)) continue;
    const fits = mine.flatMap((r) => {
      const span = spanOf(
        r.stops.map((s) => s.uri),
        h.fromUri,
        h.toUri,
      );
      if (!span) return [];
      return r.departures
        .filter((dep) => !dep.cancelled && fitsWindow(dep.departsAt, h.windowStart, h.windowEnd))
        .filter((dep) =>
          dep.legs.every(
            (l) => l.leg < span.fromLeg || l.leg > span.toLeg || (l.remainingKg >= h.weightKg && l.remainingM3 >= h.volumeM3),
          ),
        )
        .map((dep) => ({ route: r.uri, departure: dep.uri, departsAt: dep.departsAt, ...span }));
    });
    if (fits.length > 0) open.push({ haul: h, fits });
  }
  return { open, accepted };
}

/**
 * The driver hears this haul only as the next segment's driver (to learn of
 * its hand-over), not as one asked to carry it: it is never offered to them.
 */
function onlyWatches(h: HaulRow, driverUri: string): boolean {
  const has = (json: string) => (JSON.parse(json) as { id: string }[]).some((p) => p.id === driverUri);
  return has(h.partiesJson) && !has(h.driversJson);
}

export function driverActor(deps: HttpDeps, driver: DriverRow): string {
  return deps.context().getActorUri(driverIdentifier(driver.id)).href;
}

function loadHaul(deps: Pick<HttpDeps, "services">, id: number): HaulRow {
  const h = findHaul(deps.services.db, id);
  if (!h) throw HttpProblem.of("notFound", `No haul request ${id}`);
  return h;
}

/** Accepts a haul on one of the driver's departures; capacity is reserved in the same transaction. */
export async function acceptHaul(deps: HttpDeps, driver: DriverRow, haulId: number, departureUri: string): Promise<HaulRow> {
  const { services } = deps;
  const { db } = services;
  const h = loadHaul(deps, haulId);
  const dep = findDeparture(db, departureUri);
  if (!dep) throw HttpProblem.invalid("departure", "is not a departure known here");
  const route = findRoute(db, dep.routeUri);
  if (!route || route.driverId !== driver.id) throw HttpProblem.of("forbidden", "This departure belongs to another driver's route.");
  if (route.status !== "active" || dep.cancelled) throw HttpProblem.of("conflict", "This departure is withdrawn.");
  const span = spanOf(
    stopsOf(route).map((s) => s.uri),
    h.fromUri,
    h.toUri,
  );
  if (!span) throw HttpProblem.invalid("departure", "its route does not go from the haul's origin to its destination");
  if (!fitsWindow(dep.departsAt, h.windowStart, h.windowEnd)) throw HttpProblem.invalid("departure", "leaves outside the haul's window");
  if (h.status !== "open") throw HttpProblem.of("conflict", `The haul request is ${h.status}.`);
  const me = driverActor(deps, driver);
  if (onlyWatches(h, me)) throw HttpProblem.of("forbidden", "This driver follows this segment for its hand-over only; it was not asked to carry it.");
  const event: HaulEventPayload = { type: "accept", haul: h.uri, departure: dep.uri, ...span };
  const accepted = { ...h, status: "accepted" as const, driverUri: me, departureUri: dep.uri, fromLeg: span.fromLeg, toLeg: span.toLeg };
  const activity = await prepareHaulEvent(deps.context(), accepted, event, driverIdentifier(driver.id));
  const load = { weightKg: h.weightKg, volumeM3: h.volumeM3 };
  try {
    const claimed = commitWithActivities(services, (emit) => {
      // Both guarded UPDATEs in one transaction: a lost race changes nothing.
      if (!claimHaul(db, h.id, { driverUri: me, departureUri: dep.uri, fromLeg: span.fromLeg, toLeg: span.toLeg })) return false;
      if (!reserveLegs(db, dep.uri, span, load)) throw new CapacityShort();
      emit(activity);
      haulStepRecorded(db, { haul: h, event, activityId: activity.id, actor: me });
      return true;
    });
    if (!claimed) throw HttpProblem.of("conflict", "The haul request was accepted by someone else meanwhile.");
  } catch (error) {
    if (error instanceof CapacityShort) {
      throw HttpProblem.of("conflict", `Not enough capacity left on this departure for ${load.weightKg} kg / ${load.volumeM3} m³.`);
    }
    throw error;
  }
  void publishCapacity(deps.context(), route.uri).catch((err: unknown) => services.log.warn({ err }, "capacity update not sent"));
  await haulStepSettled(deps.context(), { haul: h, event, activityId: activity.id, actor: me });
  return loadHaul(deps, h.id);
}

/**
 * Declines an open request for this driver only; it stays open for the
 * others, and everyone concerned hears of it, so the requester can plan the
 * leg with another driver or departure.
 */
export async function declineHaul(deps: HttpDeps, driver: DriverRow, haulId: number): Promise<HaulRow> {
  const h = loadHaul(deps, haulId);
  if (h.status !== "open") throw HttpProblem.of("conflict", `The haul request is ${h.status}.`);
  if (hasDeclined(deps.services.db, h.uri, driver.id)) return h;
  recordDecline(deps.services.db, h.uri, driver.id);
  return haulStep(deps, h, { type: "decline" }, driverIdentifier(driver.id));
}

export type DriverStep = Extract<HaulEvent, { type: "withdraw" | "picked_up" | "handed_over" | "delivered" }>;

/**
 * A step of a haul the driver carries: withdraw, picked up, handed over,
 * delivered. A chain segment is picked up only once the segment before it
 * is delivered at the hand-over stop, and not more than it delivered.
 */
export async function driverHaulStep(deps: HttpDeps, driver: DriverRow, haulId: number, event: DriverStep): Promise<HaulRow> {
  const h = loadHaul(deps, haulId);
  if (h.driverUri !== driverActor(deps, driver)) throw HttpProblem.of("forbidden", "This haul is carried by another driver (or nobody yet).");
  if (event.type === "picked_up" && h.chainUri !== null && applyHaulEvent(stateOf(h), event).ok) {
    const { db } = deps.services;
    // A segment superseded by a re-plan is cancelled: the live one at that place comes first.
    const previous = haulsInChain(db, h.chainUri)
      .filter((s) => s.chainIndex === (h.chainIndex ?? 0) - 1)
      .sort((a, b) => Number(a.status === "cancelled") - Number(b.status === "cancelled"))[0];
    const check = checkPickup(h, previous, event.quantity, stopName(db));
    if (!check.ok) throw HttpProblem.of("conflict", check.reason, check.field ? { errors: [{ name: check.field, reason: check.reason }] } : {});
  }
  return haulStep(deps, h, event, driverIdentifier(driver.id));
}

/** A stop's name as the routes we know call it, else its URI. */
function stopName(db: HttpDeps["services"]["db"]): (uri: string) => string {
  const names = new Map(listRoutes(db).flatMap((r) => stopsOf(r).map((s) => [s.uri, s.name ?? s.uri] as const)));
  return (uri) => names.get(uri) ?? uri;
}

/**
 * One step of a haul made here: state machine → local row (+ capacity) →
 * activity to everyone concerned, in one transaction. `departureGone`: a
 * requester's cancel because the accepted departure was withdrawn (said on
 * the wire, and the row flagged).
 */
export async function haulStep(
  deps: Pick<HttpDeps, "services" | "context">,
  h: HaulRow,
  event: HaulEvent,
  sender: string,
  departureGone = false,
): Promise<HaulRow> {
  const { services } = deps;
  const { db } = services;
  const next = applyHaulEvent(stateOf(h), event);
  if (!next.ok) throw HttpProblem.of("conflict", next.reason);
  const payload: HaulEventPayload = { ...event, haul: h.uri, ...(departureGone ? { departureGone: true as const } : {}) };
  const activity = await prepareHaulEvent(deps.context(), h, payload, sender);
  let released: string | null = null;
  let refused = false;
  const actor = deps.context().getActorUri(sender).href;
  const requester = h.requesterUri === deps.context().getActorUri(services.config.handle).href;
  commitWithActivities(services, (emit) => {
    const current = findHaul(db, h.id);
    if (current?.status !== h.status) throw HttpProblem.of("conflict", "The haul changed meanwhile; try again.");
    updateHaul(db, h.id, { ...fieldsOf(next.state, event), ...(departureGone ? { flag: DEPARTURE_WITHDRAWN } : {}) });
    released = releaseIfCarriedHere(db, h, event);
    if (requester && (event.type === "decline" || event.type === "withdraw")) refused = recordRefusal(db, h.uri, actor, event.type);
    emit(activity);
    haulStepRecorded(db, { haul: h, event: payload, activityId: activity.id, actor });
  });
  if (released) void publishCapacity(deps.context(), released).catch((err: unknown) => services.log.warn({ err }, "capacity update not sent"));
  await haulStepSettled(deps.context(), { haul: h, event: payload, activityId: activity.id, actor });
  if (refused) await replanAfterRefusal(deps.context(), h);
  return loadHaul(deps, h.id);
}

class CapacityShort extends Error {}

/**
 * The requester cancels every segment of a chain at once (one transaction):
 * refused, changing nothing, when any segment's goods are already on the
 * move. Segments already cancelled are left as they are.
 */
export async function cancelChain(deps: Pick<HttpDeps, "services" | "context">, segments: readonly HaulRow[], sender: string): Promise<void> {
  const { services } = deps;
  const { db } = services;
  const live = segments.filter((h) => h.status !== "cancelled");
  const steps = live.map((h) => ({ h, next: applyHaulEvent(stateOf(h), { type: "cancel" }) }));
  const refused = steps.find((s) => !s.next.ok);
  if (refused && !refused.next.ok) throw HttpProblem.of("conflict", `Segment ${(refused.h.chainIndex ?? 0) + 1}: ${refused.next.reason}`);
  const event = { type: "cancel" } as const;
  const prepared = await Promise.all(live.map((h) => prepareHaulEvent(deps.context(), h, { ...event, haul: h.uri }, sender)));
  const actor = deps.context().getActorUri(sender).href;
  const released: string[] = [];
  commitWithActivities(services, (emit) => {
    steps.forEach(({ h, next }, i) => {
      if (findHaul(db, h.id)?.status !== h.status) throw HttpProblem.of("conflict", "The chain changed meanwhile; try again.");
      if (next.ok) updateHaul(db, h.id, fieldsOf(next.state, event));
      const route = releaseIfCarriedHere(db, h, event);
      if (route) released.push(route);
      emit(prepared[i]!);
      haulStepRecorded(db, { haul: h, event: { ...event, haul: h.uri }, activityId: prepared[i]!.id, actor });
    });
  });
  for (const route of released) void publishCapacity(deps.context(), route).catch((err: unknown) => services.log.warn({ err }, "capacity update not sent"));
  for (const [i, { h }] of steps.entries()) await haulStepSettled(deps.context(), { haul: h, event: { ...event, haul: h.uri }, activityId: prepared[i]!.id, actor });
}
