/**
 * Ways that need more than one driver: chains of departures joined at
 * hand-over stops. Pure, over the route graph's input, like ways.ts.
 *
 * Timing: a vehicle leaves stop i of its route at departure + the durations
 * of legs 0..i-1, and reaches stop j at departure + the durations of legs
 * 0..j-1. Segment k+1 must leave the hand-over stop no earlier than segment
 * k reaches it plus the minimum transfer time.
 *
 * Window rule (the single-route rule of `fitsWindow`, applied to every
 * segment): each segment's departure leaves within the request window, both
 * ends included. As for a single route, the arrival is not bounded by the
 * window: the window says when the goods may be on the move.
 *
 * Search: round by round (round r = chains of r segments), keeping for each
 * stop only the chain that reaches it earliest (ties: the smaller key of
 * departure URIs), so the cost is rounds × departures × stops², whatever
 * the size of the graph. The first round that reaches the destination wins:
 * fewest hand-overs, then earliest arrival, then URIs.
 */
import type { Load } from "./capacity.js";
import type { KnownDeparture, KnownRoute } from "./route-graph.js";
import { fitsWindow, type Way, type WayQuery } from "./ways.js";

export interface ChainOptions {
  /** Minutes between arriving at a hand-over stop and leaving it with the next vehicle. */
  readonly minTransferMinutes: number;
  /** At most this many segments (drivers) per chain. */
  readonly maxSegments: number;
  /** The goods can leave the origin no earlier than this (a re-plan: the previous segment's arrival + transfer). */
  readonly readyAt?: number;
  /** The goods must reach the destination by this (a re-plan: the next segment's departure − transfer). */
  readonly arriveBy?: number;
  /** Stops the chain must not pass through (a re-plan: those of the segments kept). */
  readonly avoid?: readonly string[];
}

export const DEFAULT_CHAIN_OPTIONS: ChainOptions = { minTransferMinutes: 30, maxSegments: 3 };

export interface ChainSegment extends Way {
  readonly from: string;
  readonly to: string;
  /** When the vehicle leaves `from` and reaches `to` (epoch ms). */
  readonly leavesAt: number;
  readonly arrivesAt: number;
}

export interface Chain {
  readonly segments: readonly ChainSegment[];
  readonly arrivesAt: number;
}

/** One piece of a planned chain as it is requested: its ends, its window and every departure that can carry it. */
export interface SegmentPlan {
  readonly from: string;
  readonly to: string;
  readonly window: { readonly start: number; readonly end: number };
  readonly ways: readonly ChainSegment[];
}

const MINUTE = 60_000;

interface Ride {
  readonly route: KnownRoute;
  readonly departure: KnownDeparture;
  /** Minutes from the departure to reaching stop i (index i). */
  readonly offsets: readonly number[];
}

function ridesOf(
  routes: readonly KnownRoute[],
  departures: readonly KnownDeparture[],
  q: Pick<WayQuery, "start" | "end">,
): Ride[] {
  const byUri = new Map(routes.filter((r) => !r.withdrawn).map((r) => [r.uri, r]));
  const rides: Ride[] = [];
  for (const d of departures) {
    const route = byUri.get(d.routeUri);
    if (!route || d.cancelled || !fitsWindow(d.departsAt, q.start, q.end)) continue;
    const offsets = [0];
    for (const l of route.legs) offsets.push(offsets[offsets.length - 1]! + l.durationMinutes);
    rides.push({ route, departure: d, offsets });
  }
  return rides;
}

/** The segment of `ride` from stop i to stop j, or null when a leg between them lacks room for the load. */
function segmentOf(ride: Ride, i: number, j: number, load: Load): ChainSegment | null {
  const legs = ride.departure.legs.filter((l) => l.leg >= i && l.leg < j);
  if (legs.length !== j - i || !legs.every((l) => l.remainingKg >= load.weightKg && l.remainingM3 >= load.volumeM3))
    return null;
  const at = ride.departure.departsAt;
  return {
    route: ride.route.uri,
    departure: ride.departure.uri,
    driver: ride.route.driverUri,
    departsAt: new Date(at).toISOString(),
    fromLeg: i,
    toLeg: j - 1,
    from: ride.route.stops[i]!.uri,
    to: ride.route.stops[j]!.uri,
    leavesAt: at + (ride.offsets[i] ?? 0) * MINUTE,
    arrivesAt: at + (ride.offsets[j] ?? 0) * MINUTE,
  };
}

const keyOf = (segments: readonly ChainSegment[]) => segments.map((s) => `${s.departure}|${s.from}|${s.to}`).join(" ");

function better(a: Chain, b: Chain | undefined): boolean {
  if (!b) return true;
  return a.arrivesAt < b.arrivesAt || (a.arrivesAt === b.arrivesAt && keyOf(a.segments) < keyOf(b.segments));
}

/**
 * The best chain from `q.from` to `q.to`: a single departure when one
 * covers the way (one segment), otherwise the fewest hand-overs. Null when
 * nothing within `maxSegments` connects.
 */
export function findChain(
  routes: readonly KnownRoute[],
  departures: readonly KnownDeparture[],
  q: WayQuery,
  options: Partial<ChainOptions> = {},
): Chain | null {
  const { minTransferMinutes, maxSegments, readyAt, arriveBy, avoid } = { ...DEFAULT_CHAIN_OPTIONS, ...options };
  const rides = ridesOf(routes, departures, q);
  const start = readyAt ?? Number.NEGATIVE_INFINITY;
  const by = arriveBy ?? Number.POSITIVE_INFINITY;
  // Round 0: the goods are at the origin from the start of the window (no transfer needed to board).
  let reached = new Map<string, Chain>([[q.from, { segments: [], arrivesAt: Number.NEGATIVE_INFINITY }]]);
  for (let round = 1; round <= maxSegments; round++) {
    const next = new Map<string, Chain>();
    for (const ride of rides) {
      const stops = ride.route.stops.map((s) => s.uri);
      for (let i = 0; i < stops.length - 1; i++) {
        const before = reached.get(stops[i]!);
        if (!before) continue;
        const last = before.segments[before.segments.length - 1];
        if (last?.departure === ride.departure.uri) continue; // staying on board is not a hand-over
        const ready = last ? before.arrivesAt + minTransferMinutes * MINUTE : start;
        const visited = new Set([q.from, ...(avoid ?? []), ...before.segments.map((s) => s.to)]);
        for (let j = i + 1; j < stops.length; j++) {
          if (visited.has(stops[j]!)) continue;
          const seg = segmentOf(ride, i, j, q.load);
          if (!seg || seg.leavesAt < ready || seg.arrivesAt > by) continue;
          const chain = { segments: [...before.segments, seg], arrivesAt: seg.arrivesAt };
          if (better(chain, next.get(seg.to))) next.set(seg.to, chain);
        }
      }
    }
    const done = next.get(q.to);
    if (done) return done;
    next.delete(q.to);
    reached = next;
    if (reached.size === 0) return null;
  }
  return null;
}

/**
 * Each segment of `chain` as it is requested: every departure (of any
 * route) that could take its place while the planned neighbours stay as
 * they are, and the window of route departures those fall in (the window a
 * driver's node checks an acceptance against). The planned departure is
 * always among them.
 */
export function planSegments(
  chain: Chain,
  routes: readonly KnownRoute[],
  departures: readonly KnownDeparture[],
  q: WayQuery,
  options: Partial<ChainOptions> = {},
): SegmentPlan[] {
  const { minTransferMinutes, readyAt, arriveBy } = { ...DEFAULT_CHAIN_OPTIONS, ...options };
  const rides = ridesOf(routes, departures, q);
  const transfer = minTransferMinutes * MINUTE;
  return chain.segments.map((planned, k) => {
    const ready = k === 0 ? (readyAt ?? Number.NEGATIVE_INFINITY) : chain.segments[k - 1]!.arrivesAt + transfer;
    const deadline =
      k === chain.segments.length - 1
        ? (arriveBy ?? Number.POSITIVE_INFINITY)
        : chain.segments[k + 1]!.leavesAt - transfer;
    const ways: ChainSegment[] = [];
    for (const ride of rides) {
      const stops = ride.route.stops.map((s) => s.uri);
      const i = stops.indexOf(planned.from);
      const j = i < 0 ? -1 : stops.indexOf(planned.to, i + 1);
      if (j < 0) continue;
      const seg = segmentOf(ride, i, j, q.load);
      if (seg && seg.leavesAt >= ready && seg.arrivesAt <= deadline) ways.push(seg);
    }
    ways.sort((a, b) => a.arrivesAt - b.arrivesAt || a.departure.localeCompare(b.departure));
    const times = ways.map((w) => Date.parse(w.departsAt));
    return { from: planned.from, to: planned.to, window: { start: Math.min(...times), end: Math.max(...times) }, ways };
  });
}
