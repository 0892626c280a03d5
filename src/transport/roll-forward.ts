import { initialLegs } from "./capacity.js";
import type { RouteSnapshot } from "./store.js";
import { expandAll } from "./schedule.js";

const DAY = 86_400_000;

/** A departure's URI: the route's, plus the departure time in compact UTC. */
export function departureUri(routeUri: string, at: Date): string {
  return `${routeUri}/departures/${at.toISOString().replace(/[-:]|\.\d+/g, "")}`;
}

/**
 * Keeps a recurring route's departures `horizonDays` ahead as time passes:
 * the departures its schedule has in the horizon that the route does not
 * have yet, each with the route's own capacity (not that of a departure the
 * driver resized; routes saved before that existed copy the first departure's
 * legs). Existing departures (and
 * what is reserved on them) are kept as they are. Null when nothing is new,
 * the route is withdrawn, or it is not driven from this node.
 */
export function rollForward(route: RouteSnapshot, now: Date, horizonDays: number): RouteSnapshot | null {
  if (route.status !== "active" || route.driverId === null) return null;
  const template = route.capacity
    ? initialLegs(route.legs.length, route.capacity.kg, route.capacity.m3)
    : route.departures[0]?.legs;
  if (!template) return null;
  const have = new Set(route.departures.map((d) => d.departsAt));
  const fresh = expandAll(route.schedule, now, new Date(now.getTime() + horizonDays * DAY))
    .filter((t) => !have.has(t.getTime()))
    .map((t) => ({
      uri: departureUri(route.uri, t),
      departsAt: t.getTime(),
      cancelled: false,
      legs: template.map((l) => ({ ...l, remainingKg: l.capacityKg, remainingM3: l.capacityM3 })),
    }));
  if (fresh.length === 0) return null;
  return { ...route, departures: [...route.departures, ...fresh].sort((a, b) => a.departsAt - b.departsAt) };
}
