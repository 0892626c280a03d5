import type { HaulRow } from "../db/schema/transport.js";
import type { HaulEvent, HaulState } from "./hauls.js";

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

