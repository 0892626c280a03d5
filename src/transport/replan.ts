/**
 * Re-planning a chain whose segment has nobody left to carry it, as pure
 * functions over the chain's rows, the drivers who refused each segment and
 * the route graph. Decided at the requesting node (the only node that holds
 * every segment and every refusal).
 *
 * Chain identity: the chain keeps its URI. A superseded segment is cancelled
 * with flag "replanned"; new segments take the driving positions of the ones
 * they replace (index k…), and `chainLength` on the new rows is the new
 * number of positions. A segment is replaced alone only when its replacement
 * fills exactly its position (one departure), or when it is the last one
 * (then it may need hand-overs of its own): the kept segments' copies on
 * other nodes then stay right without being sent again. The live chain is
 * every segment not superseded; the chain view shows only those.
 */
import type { HaulRow } from "../db/schema/transport.js";
import {
  type Chain,
  type ChainOptions,
  DEFAULT_CHAIN_OPTIONS,
  findChain,
  planSegments,
  type SegmentPlan,
} from "./chains.js";
import type { HaulStatus } from "./hauls.js";
import type { KnownDeparture, KnownRoute } from "./route-graph.js";
import { findWays, type Way } from "./ways.js";

export type SegmentRow = Pick<
  HaulRow,
  | "uri"
  | "status"
  | "flag"
  | "fromUri"
  | "toUri"
  | "windowStart"
  | "windowEnd"
  | "weightKg"
  | "volumeM3"
  | "driversJson"
  | "driverUri"
  | "departureUri"
  | "chainIndex"
  | "chainLength"
>;

export interface Graph {
  readonly routes: readonly KnownRoute[];
  readonly departures: readonly KnownDeparture[];
}

export const REPLANNED = "replanned";
export const NO_WAY = "no_way";
/** A haul whose departure (the one it was accepted on) was withdrawn. */
export const DEPARTURE_WITHDRAWN = "departure_withdrawn";

/** Goods on the move or arrived: such a segment is never superseded. */
const MOVING: readonly HaulStatus[] = ["picked_up", "handed_over", "delivered", "received"];
const MINUTE = 60_000;

/** A segment superseded by a re-plan (cancelled and flagged): no longer part of the chain. */
export function isSuperseded(s: Pick<HaulRow, "status" | "flag">): boolean {
  return s.status === "cancelled" && s.flag === REPLANNED;
}

/** The segments that make the chain now, in driving order. */
export function liveSegments<S extends SegmentRow>(rows: readonly S[]): S[] {
  return rows.filter((s) => s.chainIndex !== null && !isSuperseded(s)).sort((a, b) => a.chainIndex! - b.chainIndex!);
}

/** The departures a candidate driver of this segment can still carry it on (not declined, not cancelled, room left). */
export function waysLeft(s: SegmentRow, refused: ReadonlySet<string>, graph: Graph): Way[] {
  const drivers = new Set(
    (JSON.parse(s.driversJson) as { id: string }[]).map((d) => d.id).filter((d) => !refused.has(d)),
  );
  const load = { weightKg: s.weightKg, volumeM3: s.volumeM3 };
  return findWays(graph.routes, graph.departures, {
    from: s.fromUri,
    to: s.toUri,
    start: s.windowStart,
    end: s.windowEnd,
    load,
  }).filter((w) => drivers.has(w.driver));
}

/**
 * True when the segment is open and every candidate driver declined or
 * withdrew, or their departures are cancelled, withdrawn or full.
 */
export function noCandidateLeft(s: SegmentRow, refused: ReadonlySet<string>, graph: Graph): boolean {
  return s.status === "open" && waysLeft(s, refused, graph).length === 0;
}

/**
 * True when the segment was accepted on a departure that is no longer there
 * (withdrawn, or its route withdrawn): its driver cannot carry it on that one.
 */
export function departureGone(s: SegmentRow, graph: Graph): boolean {
  if (s.status !== "accepted" || !s.departureUri) return false;
  const d = graph.departures.find((x) => x.uri === s.departureUri);
  if (!d || d.cancelled) return true;
  const r = graph.routes.find((x) => x.uri === d.routeUri);
  return !r || r.withdrawn;
}

/**
 * Whether a driver's withdrawal (of a route, or of some of its departures)
 * can leave this segment stuck: that driver carries it, or it is open and
 * that driver is one of its candidates. Others need no second look.
 */
export function mayStrand(s: Pick<SegmentRow, "status" | "driverUri" | "driversJson">, driverUri: string): boolean {
  if (s.driverUri === driverUri) return true;
  return s.status === "open" && (JSON.parse(s.driversJson) as { id: string }[]).some((d) => d.id === driverUri);
}

/** A segment that needs a new way: open with nobody left, or accepted on a departure that is gone. */
function isStuck(s: SegmentRow, refused: ReadonlySet<string>, graph: Graph): boolean {
  return noCandidateLeft(s, refused, graph) || departureGone(s, graph);
}

export type ReplanDecision =
  | { readonly kind: "none" }
  | {
      /** "replace": the stuck segment alone; "reroute": from where the goods are to the destination. */
      readonly kind: "replace" | "reroute";
      readonly stuck: string;
      /** URIs of the segments this plan supersedes (cancelled, flagged "replanned"). */
      readonly supersede: readonly string[];
      /** The index of the first new segment; the new rows' chain length. */
      readonly firstIndex: number;
      readonly length: number;
      readonly chain: Chain;
      readonly plans: readonly SegmentPlan[];
      /** The window the new segments are searched in, and the load. */
      readonly from: string;
      readonly to: string;
    }
  /** No way left: these open (or stranded accepted) segments get flag "no_way" (those already flagged are not repeated). */
  | { readonly kind: "no_way"; readonly stuck: string; readonly flag: readonly string[] };

/** Where a segment's goods leave from and arrive, as far as the route graph says (its departure, else its earliest/latest candidate). */
function timesOf(
  s: SegmentRow,
  refused: ReadonlySet<string>,
  graph: Graph,
): { arrives: number; leaves: number } | null {
  const routes = new Map(graph.routes.map((r) => [r.uri, r]));
  const ways = s.departureUri
    ? findWays(graph.routes, graph.departures, {
        from: s.fromUri,
        to: s.toUri,
        start: Number.NEGATIVE_INFINITY,
        end: Number.POSITIVE_INFINITY,
        load: { weightKg: 0, volumeM3: 0 },
      }).filter((w) => w.departure === s.departureUri)
    : waysLeft(s, refused, graph);
  const times = ways.flatMap((w) => {
    const r = routes.get(w.route);
    if (!r) return [];
    const at = Date.parse(w.departsAt);
    const offset = (n: number) => r.legs.slice(0, n).reduce((m, l) => m + l.durationMinutes, 0) * MINUTE;
    return [{ leaves: at + offset(w.fromLeg), arrives: at + offset(w.toLeg + 1) }];
  });
  if (times.length === 0) return null;
  return { arrives: Math.min(...times.map((t) => t.arrives)), leaves: Math.max(...times.map((t) => t.leaves)) };
}

/**
 * What to do with a chain: nothing while every open segment has a
 * candidate and every accepted one its departure; else, for the first
 * segment nobody can carry (see isStuck), (1) replace it
 * alone between its neighbours, keeping the others; else (2) re-plan from
 * where the goods are — the end of the last segment on the move, or the
 * origin when none is — to the destination, superseding every later segment
 * (none of them is picked up); else (3) flag every open segment "no_way".
 * Drivers who refused the stuck segment (or an earlier version of it) are not asked again.
 */
export function decideReplan(
  rows: readonly SegmentRow[],
  refusals: ReadonlyMap<string, ReadonlySet<string>>,
  graph: Graph,
  window: { readonly start: number; readonly end: number },
  options: Partial<ChainOptions> = {},
): ReplanDecision {
  const { minTransferMinutes, maxSegments } = { ...DEFAULT_CHAIN_OPTIONS, ...options };
  const none = new Set<string>();
  const refusedOf = (s: SegmentRow) => refusals.get(s.uri) ?? none;
  const live = liveSegments(rows);
  const k = live.findIndex((s) => isStuck(s, refusedOf(s), graph));
  if (k < 0) return { kind: "none" };
  const stuck = live[k]!;
  // Drivers who refused this stretch, now or in an earlier version of it (superseded), are not asked again.
  const refused = new Set(
    rows
      .filter((r) => r === stuck || (isSuperseded(r) && r.fromUri === stuck.fromUri && r.toUri === stuck.toUri))
      .flatMap((r) => [...refusedOf(r)]),
  );
  const routes = graph.routes.filter((r) => !refused.has(r.driverUri));
  const load = { weightKg: stuck.weightKg, volumeM3: stuck.volumeM3 };
  const transfer = minTransferMinutes * MINUTE;
  const search = (from: string, to: string, o: Partial<ChainOptions>) => {
    const q = { from, to, start: window.start, end: window.end, load };
    const chain = findChain(routes, graph.departures, q, { ...options, ...o });
    return chain ? { chain, plans: planSegments(chain, routes, graph.departures, q, { ...options, ...o }) } : null;
  };
  const arrivalOf = (s: SegmentRow | undefined) => {
    const t = s ? timesOf(s, refusedOf(s), graph) : null;
    return t ? t.arrives + transfer : undefined;
  };
  const stopsOf = (segments: readonly SegmentRow[]) => segments.flatMap((s) => [s.fromUri, s.toUri]);

  // (1) The stuck segment alone, between its neighbours.
  const prev = live[k - 1];
  const next = live[k + 1];
  const nextTimes = next ? timesOf(next, refusedOf(next), graph) : null;
  const alone = search(stuck.fromUri, stuck.toUri, {
    readyAt: arrivalOf(prev),
    arriveBy: nextTimes ? nextTimes.leaves - transfer : undefined,
    maxSegments: next ? 1 : Math.max(1, maxSegments - k),
    avoid: stopsOf([...live.slice(0, k), ...live.slice(k + 1)]).filter((u) => u !== stuck.fromUri && u !== stuck.toUri),
  });
  if (alone)
    return {
      kind: "replace",
      stuck: stuck.uri,
      supersede: [stuck.uri],
      firstIndex: k,
      length: next ? live.length : k + alone.chain.segments.length,
      ...alone,
      from: stuck.fromUri,
      to: stuck.toUri,
    };

  // (2) From where the goods are to the destination.
  let j = -1;
  for (let i = 0; i < k; i++) if (MOVING.includes(live[i]!.status)) j = i;
  const from = j >= 0 ? live[j]!.toUri : live[0]!.fromUri;
  const to = live[live.length - 1]!.toUri;
  const kept = live.slice(0, j + 1);
  const rest = search(from, to, {
    readyAt: j >= 0 ? arrivalOf(live[j]) : undefined,
    maxSegments: Math.max(1, maxSegments - kept.length),
    avoid: stopsOf(kept).filter((u) => u !== from),
  });
  if (rest)
    return {
      kind: "reroute",
      stuck: stuck.uri,
      supersede: live.slice(j + 1).map((s) => s.uri),
      firstIndex: j + 1,
      length: j + 1 + rest.chain.segments.length,
      ...rest,
      from,
      to,
    };

  // (3) No way left.
  return {
    kind: "no_way",
    stuck: stuck.uri,
    flag: live.filter((s) => (s.status === "open" || departureGone(s, graph)) && s.flag !== NO_WAY).map((s) => s.uri),
  };
}
