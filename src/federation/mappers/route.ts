import { Intent, Measure, Mention, Proposal, PropertyValue } from "@fedify/vocab";
import { type Decimal, parseDecimal } from "@fedify/vocab-runtime";
import { Temporal } from "@js-temporal/polyfill";
import type { LegCapacity } from "../../transport/capacity.js";
import type { LegInfo } from "../../transport/route-graph.js";
import type { DepartureSpec } from "../../transport/schedule.js";
import type { RouteSnapshot, StoredStop } from "../../transport/store.js";
import { escapeHtml } from "../../web/html.js";

/** Name of the attachment carrying the route's structured data (Fedify drops unknown properties). */
export const ROUTE_ATTACHMENT = "tendril:route";
export const DELIVER_SERVICE = "deliverService";

/** What the attachment's value holds (JSON): everything a receiver needs for its route graph. */
export interface RoutePayload {
  /** Stops with their inboxes, so every community on the route can address the others. */
  readonly stops: readonly StoredStop[];
  readonly legs: readonly LegInfo[];
  readonly refrigerated: boolean;
  readonly schedule: readonly DepartureSpec[];
  readonly departures: readonly { id: string; startTime: string; legs: readonly LegCapacity[] }[];
}

const instant = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms);

/**
 * row → AP: a route is a FEP-0837 Proposal offering a deliverService Intent
 * with the vehicle's kg capacity; the stops are Mentions of the community
 * actors in driving order; the departures and legs ride in one PropertyValue.
 */
export function toRouteProposal(r: RouteSnapshot, community: URL): Proposal {
  const live = r.departures.filter((d) => !d.cancelled);
  const capacityKg = Math.max(0, ...r.departures.flatMap((d) => d.legs.map((l) => l.capacityKg)));
  const payload: RoutePayload = {
    stops: r.stops,
    legs: r.legs,
    refrigerated: r.refrigerated,
    schedule: r.schedule,
    departures: live.map((d) => ({ id: d.uri, startTime: new Date(d.departsAt).toISOString(), legs: d.legs })),
  };
  const path = r.stops.map((s) => s.name ?? s.uri).join(" → ");
  const first = live[0];
  return new Proposal({
    id: new URL(r.uri),
    name: `Route ${r.name}: ${path}`,
    summary: `${live.length} departure(s), up to ${capacityKg} kg${r.refrigerated ? ", refrigerated" : ""}`,
    content: `<p>${escapeHtml(path)}</p><ul>${live
      .map((d) => `<li>${new Date(d.departsAt).toISOString()}</li>`)
      .join("")}</ul>`,
    attribution: new URL(r.driverUri),
    contexts: [community],
    purpose: "offer",
    publishes: new Intent({
      action: DELIVER_SERVICE,
      availableQuantity: new Measure({ unit: "kg", numericalValue: decimal(capacityKg) }),
    }),
    startTime: first ? instant(first.departsAt) : null,
    endTime: live.length > 0 ? instant(live[live.length - 1]!.departsAt) : null,
    tags: r.stops.map((s) => new Mention({ href: new URL(s.uri), name: s.name })),
    tos: r.stops.map((s) => new URL(s.uri)),
    attachments: [new PropertyValue({ name: ROUTE_ATTACHMENT, value: JSON.stringify(payload) })],
  });
}

/** AP → payload: the route data of a received Proposal, or null when it is not a route or is malformed. */
export async function routePayloadOf(p: Proposal): Promise<RoutePayload | null> {
  if (p.purpose !== "offer") return null;
  const raw = await attachmentValue(p, ROUTE_ATTACHMENT);
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as RoutePayload;
    if (!Array.isArray(v.stops) || v.stops.length < 2 || !Array.isArray(v.legs) || v.legs.length !== v.stops.length - 1)
      return null;
    if (!Array.isArray(v.departures) || v.stops.some((s) => typeof s.uri !== "string")) return null;
    return v;
  } catch {
    return null;
  }
}

/** The value of a named PropertyValue attachment (embedded in the object, so nothing is fetched). */
export async function attachmentValue(
  object: { getAttachments(): AsyncIterable<unknown> },
  name: string,
): Promise<string | null> {
  for await (const a of object.getAttachments()) {
    if (a instanceof PropertyValue && a.name?.toString() === name && a.value !== null) return a.value.toString();
  }
  return null;
}

function decimal(n: number): Decimal {
  return parseDecimal(String(Math.round(n * 1000) / 1000));
}
