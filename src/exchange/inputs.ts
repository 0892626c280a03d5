/**
 * The inputs of a planning round, read from this node's database: our own
 * active offers (minus what is already reserved) and needs, the offers and
 * needs of communities we follow, the resources they name, and every leg of
 * every upcoming departure within the horizon with its remaining capacity.
 */
import type { Db } from "../db/client.js";
import type { ResourceKindRow } from "../db/schema/supply.js";
import { findKindById, listKinds } from "../supply/catalogue-store.js";
import { currentItems } from "../supply/store.js";
import { queryNetwork } from "../supply/view-store.js";
import { buildRouteGraph } from "../transport/route-graph.js";
import { graphInput } from "../transport/store.js";
import type { Community, Need, Offer, Priority, Resource } from "../planning/index.js";
import type { RoundInputs, RoundLeg } from "./round.js";
import { reservedOn } from "./store.js";

export interface Self {
  readonly actor: string;
  readonly name: string;
  readonly lat: number | null;
  readonly lon: number | null;
  /** The public URI of our own offer or need with this id. */
  readonly itemUri: (id: string) => string;
}

/** The last path segment of a resource URI: kinds of the same slug mean the same good across nodes. */
export function slugOf(resourceUri: string): string {
  return resourceUri.replace(/\/+$/, "").split("/").pop() ?? resourceUri;
}

/** Our catalogue entry for a resource named by any node's URI (same URI, or else same slug). */
export function localKind(db: Db, resourceUri: string): ResourceKindRow | undefined {
  const kinds = listKinds(db);
  return kinds.find((k) => k.uri === resourceUri) ?? kinds.find((k) => k.slug === slugOf(resourceUri));
}

export function buildRoundInputs(db: Db, self: Self, now: Date, horizonDays: number): RoundInputs {
  const t = now.getTime();
  const communities = new Map<string, Community>();
  const resources = new Map<string, Resource>();
  const offers: Offer[] = [];
  const needs: Need[] = [];
  const addCommunity = (id: string, lat: number | null, lon: number | null, name?: string) => {
    if (communities.has(id)) return;
    communities.set(id, { id, ...(name ? { name } : {}), ...(lat !== null && lon !== null ? { lat, lon } : {}) });
  };
  const resourceId = (uri: string, unit: string): string | null => {
    const kind = localKind(db, uri);
    if (!kind) return null;
    if (kind.unit !== unit) return null;
    resources.set(kind.uri, { id: kind.uri, unit: kind.unit, kgPerUnit: kind.kgPerUnit });
    return kind.uri;
  };

  addCommunity(self.actor, self.lat, self.lon, self.name);
  for (const item of currentItems(db, t)) {
    const kind = findKindById(db, item.resourceId);
    if (!kind) continue;
    const resource = resourceId(kind.uri, kind.unit)!;
    if (item.kind === "offer") {
      if (item.windowStart !== null && item.windowStart > t + horizonDays * 86_400_000) continue;
      const free = round(item.quantity - reservedOn(db, self.itemUri(item.id)));
      if (free > 0) offers.push({ id: self.itemUri(item.id), community: self.actor, resource, quantity: free });
    } else {
      needs.push({ id: self.itemUri(item.id), community: self.actor, resource, quantity: item.quantity, priority: priorityOf(item.priority) });
    }
  }
  for (const item of queryNetwork(db, { now: t })) {
    const resource = resourceId(item.resourceUri, item.unit);
    if (resource === null || !(item.quantity > 0)) continue;
    addCommunity(item.actorUri, item.lat, item.lon);
    if (item.kind === "offer") offers.push({ id: item.objectUri, community: item.actorUri, resource, quantity: item.quantity });
    else needs.push({ id: item.objectUri, community: item.actorUri, resource, quantity: item.quantity, priority: priorityOf(item.priority) });
  }

  const { routes, departures } = graphInput(db);
  const graph = buildRouteGraph(routes, departures, { from: now, until: new Date(t + horizonDays * 86_400_000) });
  for (const n of graph.nodes) addCommunity(n.uri, n.lat, n.lon, n.name ?? undefined);
  const legs: RoundLeg[] = graph.edges
    .filter((e) => e.capacityKg > 0)
    .map((e) => ({ id: e.id, from: e.from, to: e.to, capacityKg: e.capacityKg, distanceKm: e.distanceKm, driver: e.driver, departure: e.departure }));

  return { communities: [...communities.values()], resources: [...resources.values()], offers, needs, legs };
}

function priorityOf(p: string | null): Priority {
  return p === "essential" || p === "important" ? p : "ordinary";
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
