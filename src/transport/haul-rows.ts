import type { Db } from "../db/client.js";
import type { HaulRow } from "../db/schema/transport.js";
import { endsAtHandOver } from "./hand-over.js";
import type { HaulEvent, HaulState } from "./hauls.js";
import { findDeparture, findRoute, releaseLegs } from "./store.js";

/** A stored haul as the state machine sees it. */
export function stateOf(h: HaulRow): HaulState {
  return {
    status: h.status,
    quantity: h.quantity,
    pickedUp: h.pickedUp,
    delivered: h.delivered,
    received: h.received,
    difference: h.difference,
    handedOverAt: JSON.parse(h.handedOverJson) as string[],
    endsAtHandOver: endsAtHandOver(h),
  };
}

/** The row fields a new haul state sets; a withdrawn acceptance forgets its driver and departure. */
export function fieldsOf(state: HaulState, event: HaulEvent): Partial<HaulRow> {
  const base = {
    status: state.status,
    pickedUp: state.pickedUp,
    delivered: state.delivered,
    received: state.received,
    difference: state.difference,
    handedOverJson: JSON.stringify(state.handedOverAt),
  };
  return event.type === "withdraw" ? { ...base, driverUri: null, departureUri: null, fromLeg: null, toLeg: null } : base;
}


/**
 * When an accepted haul is withdrawn or cancelled, the capacity it held goes
 * back, but only on the node that holds the departure (the driver's home).
 * Returns the route whose capacity changed, to re-publish it. Call inside the
 * transaction that records the step.
 */
export function releaseIfCarriedHere(db: Db, h: HaulRow, event: HaulEvent): string | null {
  if ((event.type !== "withdraw" && event.type !== "cancel") || h.status !== "accepted") return null;
  if (!h.departureUri || h.fromLeg === null || h.toLeg === null) return null;
  const dep = findDeparture(db, h.departureUri);
  const route = dep ? findRoute(db, dep.routeUri) : undefined;
  if (!dep || !route || route.driverId === null) return null;
  releaseLegs(db, dep.uri, { fromLeg: h.fromLeg, toLeg: h.toLeg }, { weightKg: h.weightKg, volumeM3: h.volumeM3 });
  return route.uri;
}
