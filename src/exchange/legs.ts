/**
 * What the proposer does about one leg of an agreed exchange, as a pure
 * decision: wait (a driver has it, or the asked drivers may still answer),
 * ask drivers (first request, or again when nobody could take it and a
 * departure no earlier request offered now fits), or say the leg is
 * unserved. The communities are never asked again: only drivers are.
 */
import { DEPARTURE_WITHDRAWN } from "../transport/replan.js";
import type { LegView } from "./state.js";

/** The latest haul request for a leg, as the proposer's copy of it stands. */
export interface CurrentRequest {
  readonly uri: string;
  readonly status: string;
  /** The drivers it was sent to. */
  readonly drivers: readonly string[];
  readonly windowEnd: number;
  /** Why it was marked (e.g. "departure_withdrawn"), or null. */
  readonly flag?: string | null;
}

export interface LegRequests {
  /** Requests made so far (0: none yet). */
  readonly attempts: number;
  readonly current: CurrentRequest | null;
  /** Drivers who declined (or withdrew from) the current request. */
  readonly declinedCurrent: readonly string[];
  /** Every departure an earlier request offered: they are not offered again. */
  readonly offered: ReadonlySet<string>;
}

/** A departure that could carry the leg now (the caller found it in the route graph). */
export interface CandidateWay {
  readonly departure: string;
  readonly driver: string;
}

export type LegDecision =
  | { readonly kind: "wait" }
  | { readonly kind: "request"; readonly ways: readonly CandidateWay[]; readonly replaces: string | null }
  | { readonly kind: "unserved"; readonly reason: string; readonly lapse: string | null };

/**
 * `broken` says why the agreement no longer holds (quantity or window gone),
 * null while it holds; a broken agreement is never re-requested.
 */
export function decideLeg(
  leg: LegView,
  req: LegRequests,
  ways: readonly CandidateWay[],
  broken: string | null,
  now: number,
): LegDecision {
  if (leg.driver !== null) return { kind: "wait" };
  const current = req.current;
  if (current && current.status !== "open" && current.status !== "cancelled") return { kind: "wait" };
  const stuck = whyStuck(current, req.declinedCurrent, now);
  if (stuck === null) return { kind: "wait" };
  // A new request replaces the open one; an open one whose window passed is withdrawn even with no replacement.
  const replaces = current?.status === "open" ? current.uri : null;
  const lapse = current?.status === "open" && current.windowEnd < now ? current.uri : null;
  if (broken !== null) return { kind: "unserved", reason: `${stuck}; not asked again: ${broken}`, lapse };
  const fresh = ways.filter((w) => !req.offered.has(w.departure));
  if (fresh.length > 0) return { kind: "request", ways: fresh, replaces };
  return { kind: "unserved", reason: `${stuck}; waiting for a departure that fits`, lapse };
}

/** Why the current request can no longer find a driver, or null while it still may. */
function whyStuck(current: CurrentRequest | null, declined: readonly string[], now: number): string | null {
  if (current === null) return "no known departure could carry it";
  if (current.status === "cancelled")
    return current.flag === DEPARTURE_WITHDRAWN
      ? "the departure its driver had accepted was withdrawn"
      : "its haul request was cancelled";
  if (current.windowEnd < now) return "the haul request's window passed without a driver";
  if (current.drivers.every((d) => declined.includes(d))) return "every driver asked declined";
  return null;
}
