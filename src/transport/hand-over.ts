/**
 * The order of a hand-over between two segments of a chain, as a pure rule:
 * segment k+1 is picked up at the hand-over stop only once segment k is
 * delivered there, and never more than segment k delivered (a short count
 * carries over to the next driver). Checked by the node of the driver who
 * picks up, which hears segment k's steps as a party of it (see
 * federate-chain.ts); the other parties take the driver's word.
 */
import type { HaulStatus } from "./hauls.js";

export interface SegmentFacts {
  readonly chainIndex: number | null;
  readonly fromUri: string;
  readonly toUri: string;
  readonly status: HaulStatus;
  readonly delivered: number | null;
}

/** `field` names the input at fault when it is the quantity (the hand-over itself is not pending). */
export type HandOverCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string; readonly field?: "quantity" };

/**
 * May `quantity` of `segment` be picked up, given what this node knows of
 * the segment before it (`previous`, undefined when it has not heard of it)?
 * `nameOf` turns a stop URI into what a person reads.
 */
export function checkPickup(
  segment: SegmentFacts,
  previous: SegmentFacts | undefined,
  quantity: number,
  nameOf: (uri: string) => string = (uri) => uri,
): HandOverCheck {
  if (segment.chainIndex === null || segment.chainIndex === 0) return { ok: true };
  const before = `segment ${segment.chainIndex}`;
  const at = nameOf(segment.fromUri);
  if (previous === undefined)
    return { ok: false, reason: `${before} is not delivered at ${at} yet (this node has not heard of it)` };
  if (previous.toUri !== segment.fromUri)
    return { ok: false, reason: `${before} ends at ${nameOf(previous.toUri)}, not at ${at}` };
  if ((previous.status !== "delivered" && previous.status !== "received") || previous.delivered === null)
    return { ok: false, reason: `${before} is not delivered at ${at} yet` };
  if (quantity > previous.delivered)
    return {
      ok: false,
      reason: `${before} delivered only ${previous.delivered} at ${at}: no more than that can be picked up`,
      field: "quantity",
    };
  return { ok: true };
}

/** True when a haul ends at a hand-over (a chain segment other than the last), not at its receiver. */
export function endsAtHandOver(h: {
  readonly chainIndex: number | null;
  readonly chainLength: number | null;
}): boolean {
  return h.chainIndex !== null && h.chainLength !== null && h.chainIndex < h.chainLength - 1;
}
