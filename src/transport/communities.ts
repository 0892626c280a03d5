import type { Db } from "../db/client.js";
import { listFollowers, listFollowing } from "../network/follows.js";
import { listRoutes, stopsOf } from "./store.js";

export interface KnownCommunity {
  readonly uri: string;
  readonly name: string | null;
}

/**
 * The communities this node knows and a driver may put on a route: itself,
 * the communities it follows and that follow it, and every stop of the routes
 * it has heard of. Ours first, then by name. Whether each really is a
 * community actor is checked when the route is published (`resolveStop`).
 */
export function knownCommunities(db: Db, self: KnownCommunity, followee: string): KnownCommunity[] {
  const found = new Map<string, string | null>();
  const add = (uri: string, name: string | null) => {
    if (!found.get(uri)) found.set(uri, name);
  };
  for (const f of listFollowing(db)) if (f.status !== "rejected") add(f.actorUri, f.name);
  for (const r of listRoutes(db)) for (const s of stopsOf(r)) add(s.uri, s.name);
  for (const f of listFollowers(db, followee, { status: "accepted", limit: 1000 }).items) add(f.actorUri, null);
  found.delete(self.uri);
  const others = [...found]
    .map(([uri, name]) => ({ uri, name }))
    .sort((a, b) => (a.name ?? a.uri).localeCompare(b.name ?? b.uri));
  return [self, ...others];
}
