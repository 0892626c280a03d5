/**
 * The network view's pure parts: distance, the "near" filter and totals per
 * resource. Storage lives in view-store.ts.
 */

export interface Located {
  readonly lat: number | null;
  readonly lon: number | null;
}

/** Great-circle distance in km (haversine; plenty for "near" in a region). */
export function distanceKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLon = (bLon - aLon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface Near {
  readonly lat: number;
  readonly lon: number;
  readonly radiusKm: number;
}

/** Items within the radius, nearest first, each with its distance; items without a location are left out. */
export function withinRadius<T extends Located>(items: readonly T[], near: Near): (T & { distanceKm: number })[] {
  const out: (T & { distanceKm: number })[] = [];
  for (const item of items) {
    if (item.lat === null || item.lon === null) continue;
    const d = distanceKm(near.lat, near.lon, item.lat, item.lon);
    if (d <= near.radiusKm) out.push({ ...item, distanceKm: Math.round(d * 10) / 10 });
  }
  return out.sort((a, b) => a.distanceKm - b.distanceKm);
}

export interface Totalled {
  readonly kind: "offer" | "need";
  readonly resourceUri: string;
  readonly resourceName: string;
  readonly category: string;
  readonly unit: string;
  readonly quantity: number;
  readonly actorUri: string;
}

export interface ResourceTotal {
  readonly resourceUri: string;
  readonly resourceName: string;
  readonly category: string;
  readonly unit: string;
  readonly offered: number;
  readonly needed: number;
  /** offered − needed: positive means the network has more than it asks for. */
  readonly balance: number;
  readonly offeredBy: number;
  readonly neededBy: number;
}

/**
 * Sums per resource (and unit: a resource counted in two units is two lines,
 * never added together), with how many communities offer and need it.
 */
export function totalsByResource(items: readonly Totalled[]): ResourceTotal[] {
  const acc = new Map<string, { t: Omit<ResourceTotal, "balance" | "offeredBy" | "neededBy">; offerers: Set<string>; needers: Set<string> }>();
  for (const i of items) {
    const key = `${i.resourceUri}\u0000${i.unit}`;
    let e = acc.get(key);
    if (!e) {
      e = {
        t: { resourceUri: i.resourceUri, resourceName: i.resourceName, category: i.category, unit: i.unit, offered: 0, needed: 0 },
        offerers: new Set(),
        needers: new Set(),
      };
      acc.set(key, e);
    }
    if (i.kind === "offer") {
      e.t = { ...e.t, offered: e.t.offered + i.quantity };
      e.offerers.add(i.actorUri);
    } else {
      e.t = { ...e.t, needed: e.t.needed + i.quantity };
      e.needers.add(i.actorUri);
    }
  }
  return [...acc.values()]
    .map(({ t, offerers, needers }) => ({
      ...t,
      offered: round(t.offered),
      needed: round(t.needed),
      balance: round(t.offered - t.needed),
      offeredBy: offerers.size,
      neededBy: needers.size,
    }))
    .sort((a, b) => a.resourceName.localeCompare(b.resourceName) || a.unit.localeCompare(b.unit));
}

function round(n: number): number {
  return Number(n.toPrecision(12));
}
