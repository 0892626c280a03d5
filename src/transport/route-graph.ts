/**
 * The route graph a node plans with: communities as nodes, the legs of known
 * departures within the planning horizon as edges, each with its remaining
 * capacity and distance. Pure: built from the routes the node has received.
 */
import type { LegCapacity } from "./capacity.js";

export interface Stop {
  readonly uri: string;
  readonly name: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
}

export interface LegInfo {
  readonly distanceKm: number;
  readonly durationMinutes: number;
}

export interface KnownRoute {
  readonly uri: string;
  readonly driverUri: string;
  readonly stops: readonly Stop[];
  readonly legs: readonly LegInfo[];
  readonly refrigerated: boolean;
  readonly withdrawn: boolean;
}

export interface KnownDeparture {
  readonly uri: string;
  readonly routeUri: string;
  readonly departsAt: number;
  readonly cancelled: boolean;
  readonly legs: readonly LegCapacity[];
}

export interface GraphEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly route: string;
  readonly departure: string;
  readonly driver: string;
  readonly departsAt: string;
  readonly capacityKg: number;
  readonly capacityM3: number;
  readonly distanceKm: number;
  readonly durationMinutes: number;
  readonly refrigerated: boolean;
}

export interface RouteGraph {
  readonly horizon: { readonly from: string; readonly until: string };
  readonly nodes: readonly Stop[];
  readonly edges: readonly GraphEdge[];
}

export function buildRouteGraph(
  routes: readonly KnownRoute[],
  departures: readonly KnownDeparture[],
  horizon: { from: Date; until: Date },
): RouteGraph {
  const byUri = new Map(routes.filter((r) => !r.withdrawn).map((r) => [r.uri, r]));
  const nodes = new Map<string, Stop>();
  const edges: GraphEdge[] = [];
  for (const r of byUri.values()) for (const s of r.stops) if (!nodes.has(s.uri) || nodes.get(s.uri)?.lat == null) nodes.set(s.uri, s);
  const sorted = [...departures].sort((a, b) => a.departsAt - b.departsAt || a.uri.localeCompare(b.uri));
  for (const d of sorted) {
    const r = byUri.get(d.routeUri);
    if (!r || d.cancelled || d.departsAt < horizon.from.getTime() || d.departsAt >= horizon.until.getTime()) continue;
    for (const l of d.legs) {
      const from = r.stops[l.leg];
      const to = r.stops[l.leg + 1];
      const info = r.legs[l.leg];
      if (!from || !to || !info) continue;
      edges.push({
        id: `${d.uri}#leg-${l.leg}`,
        from: from.uri,
        to: to.uri,
        route: r.uri,
        departure: d.uri,
        driver: r.driverUri,
        departsAt: new Date(d.departsAt).toISOString(),
        capacityKg: l.remainingKg,
        capacityM3: l.remainingM3,
        distanceKm: info.distanceKm,
        durationMinutes: info.durationMinutes,
        refrigerated: r.refrigerated,
      });
    }
  }
  return {
    horizon: { from: horizon.from.toISOString(), until: horizon.until.toISOString() },
    nodes: [...nodes.values()].sort((a, b) => a.uri.localeCompare(b.uri)),
    edges,
  };
}

/** Communities reachable from `start` over at most `maxLegs` legs, with the fewest legs to each. */
export function reachable(graph: RouteGraph, start: string, maxLegs: number): { uri: string; legs: number }[] {
  const next = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    if (e.capacityKg <= 0) continue;
    const set = next.get(e.from) ?? new Set<string>();
    set.add(e.to);
    next.set(e.from, set);
  }
  const seen = new Map<string, number>([[start, 0]]);
  let frontier = [start];
  for (let depth = 1; depth <= maxLegs && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const u of frontier) {
      for (const v of next.get(u) ?? []) {
        if (seen.has(v)) continue;
        seen.set(v, depth);
        following.push(v);
      }
    }
    frontier = following;
  }
  seen.delete(start);
  return [...seen].map(([uri, legs]) => ({ uri, legs })).sort((a, b) => a.legs - b.legs || a.uri.localeCompare(b.uri));
}

/** GeoJSON: a Point per community with coordinates, a LineString per edge whose ends both have them. */
export function toGeoJson(graph: RouteGraph) {
  const at = new Map(graph.nodes.map((n) => [n.uri, n]));
  const features: unknown[] = [];
  for (const n of graph.nodes) {
    if (n.lat === null || n.lon === null) continue;
    features.push({ type: "Feature", geometry: { type: "Point", coordinates: [n.lon, n.lat] }, properties: { id: n.uri, name: n.name } });
  }
  for (const e of graph.edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (a?.lat == null || a.lon == null || b?.lat == null || b.lon == null) continue;
    features.push({
      type: "Feature",
      geometry: { type: "LineString", coordinates: [[a.lon, a.lat], [b.lon, b.lat]] },
      properties: { ...e },
    });
  }
  return { type: "FeatureCollection", features };
}
