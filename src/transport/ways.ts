/**
 * Which known departures can carry a haul: pure, over the route graph's input.
 * A way is one departure of one route whose stops include the origin before
 * the destination (the goods ride its legs between them, handed over at the
 * intermediate stops); its legs must all have the load's capacity left.
 */
import { type Load, spanOf } from "./capacity.js";
import type { KnownDeparture, KnownRoute } from "./route-graph.js";

export interface Way {
  readonly route: string;
  readonly departure: string;
  readonly driver: string;
  readonly departsAt: string;
  readonly fromLeg: number;
  readonly toLeg: number;
}

export interface WayQuery {
  readonly from: string;
  readonly to: string;
  readonly start: number;
  readonly end: number;
  readonly load: Load;
}

/** A departure serves a window when it leaves within it (inclusive). */
export function fitsWindow(departsAt: number, start: number, end: number): boolean {
  return departsAt >= start && departsAt <= end;
}

export function findWays(routes: readonly KnownRoute[], departures: readonly KnownDeparture[], q: WayQuery): Way[] {
  const byUri = new Map(routes.filter((r) => !r.withdrawn).map((r) => [r.uri, r]));
  const out: Way[] = [];
  for (const d of departures) {
    const r = byUri.get(d.routeUri);
    if (!r || d.cancelled || !fitsWindow(d.departsAt, q.start, q.end)) continue;
    const span = spanOf(r.stops.map((s) => s.uri), q.from, q.to);
    if (!span) continue;
    const carries = d.legs
      .filter((l) => l.leg >= span.fromLeg && l.leg <= span.toLeg)
      .every((l) => l.remainingKg >= q.load.weightKg && l.remainingM3 >= q.load.volumeM3);
    if (!carries) continue;
    out.push({ route: r.uri, departure: d.uri, driver: r.driverUri, departsAt: new Date(d.departsAt).toISOString(), ...span });
  }
  return out.sort((a, b) => a.departsAt.localeCompare(b.departsAt) || a.departure.localeCompare(b.departure));
}
