import type { HttpDeps } from "../http/types.js";
import { listFollowing } from "../network/follows.js";
import { PLANNING_HORIZON_DAYS } from "../transport/federate.js";
import { buildRouteGraph } from "../transport/route-graph.js";
import { graphInput } from "../transport/store.js";
import type { ExchangeView } from "./exchange-view.js";
import type { MapCommunity, MapData, MapLeg } from "./map.js";

const DAY = 86_400_000;

/**
 * What the map shows, from this node's own knowledge: itself, the communities
 * on known routes (their coordinates travel with the route) and those it
 * follows; legs of departures within the planning horizon, one line per
 * pair of communities with the most room any single departure has left;
 * flows from the exchange code's agreements in flight.
 */
export function mapData(deps: HttpDeps, exchange: ExchangeView, at = Date.now()): MapData & { unplaced: MapCommunity[] } {
  const { config, db } = deps.services;
  const self = deps.context().getActorUri(config.handle).href;
  const { routes, departures } = graphInput(db);
  const graph = buildRouteGraph(routes, departures, { from: new Date(at), until: new Date(at + PLANNING_HORIZON_DAYS * DAY) });

  const communities = new Map<string, MapCommunity>();
  communities.set(self, { id: self, name: config.name, lat: config.location?.lat ?? Number.NaN, lon: config.location?.lon ?? Number.NaN });
  for (const r of routes) {
    for (const s of r.stops) {
      const known = communities.get(s.uri);
      if (known && Number.isFinite(known.lat)) continue;
      communities.set(s.uri, { id: s.uri, name: s.name ?? known?.name ?? s.uri, lat: s.lat ?? Number.NaN, lon: s.lon ?? Number.NaN });
    }
  }
  for (const f of listFollowing(db, "accepted")) {
    if (!communities.has(f.actorUri)) communities.set(f.actorUri, { id: f.actorUri, name: f.name ?? f.actorUri, lat: Number.NaN, lon: Number.NaN });
  }

  const legs = new Map<string, MapLeg>();
  for (const e of graph.edges) {
    const key = `${e.from} ${e.to}`;
    const seen = legs.get(key);
    if (!seen || seen.capacityKg < e.capacityKg) legs.set(key, { from: e.from, to: e.to, capacityKg: e.capacityKg });
  }
  const flows = exchange
    .agreementsInFlight()
    .map((a) => ({ from: a.from, to: a.to, resource: a.resource, quantity: a.quantity, unit: a.unit }));
  const all = [...communities.values()];
  return {
    communities: all,
    legs: [...legs.values()],
    flows,
    unplaced: all.filter((c) => !Number.isFinite(c.lat) || !Number.isFinite(c.lon)),
  };
}
