/**
 * The life of a haul request, as a pure state machine:
 * open → accepted → picked_up → handed_over (at each stop) → delivered → received.
 * A driver who withdraws an acceptance returns the request to open; the
 * requester may cancel it while nobody has picked it up. A difference between
 * what was requested, picked up, delivered and received is recorded, never hidden.
 */
export const HAUL_STATUSES = ["open", "accepted", "picked_up", "handed_over", "delivered", "received", "cancelled"] as const;
export type HaulStatus = (typeof HAUL_STATUSES)[number];

export interface HaulState {
  readonly status: HaulStatus;
  readonly quantity: number;
  readonly pickedUp: number | null;
  readonly delivered: number | null;
  readonly received: number | null;
  /**
   * received − requested quantity, once received; for a chain segment that
   * ends at a hand-over (nobody receives it), delivered − requested quantity
   * once delivered, so each segment shows how far short the goods were there.
   */
  readonly difference: number | null;
  readonly handedOverAt: readonly string[];
  /** A chain segment other than the last: its delivery is a hand-over to the next driver. */
  readonly endsAtHandOver?: boolean;
}

export type HaulEvent =
  | { readonly type: "accept" }
  /** A candidate driver says no: the request stays open for the others; the requester hears of it. */
  | { readonly type: "decline" }
  | { readonly type: "withdraw" }
  | { readonly type: "cancel" }
  /** Requester only: a chain segment nobody can carry and no re-plan found a way; no status changes. */
  | { readonly type: "no_way" }
  | { readonly type: "picked_up"; readonly quantity: number }
  | { readonly type: "handed_over"; readonly stop: string }
  | { readonly type: "delivered"; readonly quantity: number }
  | { readonly type: "received"; readonly quantity: number };

export type Transition = { readonly ok: true; readonly state: HaulState } | { readonly ok: false; readonly reason: string };

const ALLOWED: Record<HaulEvent["type"], readonly HaulStatus[]> = {
  accept: ["open"],
  decline: ["open"],
  withdraw: ["accepted"],
  cancel: ["open", "accepted"],
  no_way: ["open"],
  picked_up: ["accepted"],
  handed_over: ["picked_up", "handed_over"],
  delivered: ["picked_up", "handed_over"],
  received: ["delivered"],
};

export function newHaul(quantity: number): HaulState {
  return { status: "open", quantity, pickedUp: null, delivered: null, received: null, difference: null, handedOverAt: [] };
}

export function applyHaulEvent(state: HaulState, event: HaulEvent): Transition {
  if (!ALLOWED[event.type].includes(state.status)) {
    return { ok: false, reason: `"${event.type}" is not possible while the haul is ${state.status}` };
  }
  if ("quantity" in event && !(event.quantity >= 0)) return { ok: false, reason: "quantity must be zero or more" };
  switch (event.type) {
    case "accept":
      return ok({ ...state, status: "accepted" });
    case "decline":
    case "no_way":
      return ok(state);
    case "withdraw":
      return ok({ ...state, status: "open" });
    case "cancel":
      return ok({ ...state, status: "cancelled" });
    case "picked_up":
      return ok({ ...state, status: "picked_up", pickedUp: event.quantity });
    case "handed_over":
      return ok({ ...state, status: "handed_over", handedOverAt: [...state.handedOverAt, event.stop] });
    case "delivered":
      return ok({
        ...state,
        status: "delivered",
        delivered: event.quantity,
        difference: state.endsAtHandOver ? event.quantity - state.quantity : state.difference,
      });
    case "received":
      return ok({ ...state, status: "received", received: event.quantity, difference: event.quantity - state.quantity });
  }
}

function ok(state: HaulState): Transition {
  return { ok: true, state };
}

export const CHAIN_STATUSES = ["open", "accepted", "under_way", "received", "cancelled", "incomplete"] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];

/**
 * A chain of segment hauls as one status: cancelled when any segment is,
 * received when the last one is, open while any segment still lacks a
 * driver, under way once goods moved, else accepted. "incomplete" when this
 * node knows only some of the segments.
 */
export function chainStatus(segments: readonly { status: HaulStatus }[], length: number): ChainStatus {
  if (segments.length < length) return "incomplete";
  const s = segments.map((x) => x.status);
  if (s.includes("cancelled")) return "cancelled";
  if (s[s.length - 1] === "received") return "received";
  if (s.includes("open")) return "open";
  return s.every((x) => x === "accepted") ? "accepted" : "under_way";
}
