/**
 * Requesting a haul, without HTTP: find the departures that cover the way,
 * address every candidate driver and the communities concerned, and save the
 * request with its Offer in one transaction. Used by POST /api/hauls and by
 * the exchange code when an agreement needs its legs carried.
 */
import type { Context } from "@fedify/fedify";
import type { HaulRow } from "../db/schema/transport.js";
import { activityUri, type NodeServices } from "../federation/context.js";
import { type Party, toHaulOffer } from "../federation/mappers/haul.js";
import { commitWithActivities, type PreparedActivity, prepareActivity } from "../federation/outbox.js";
import { haulAudience } from "./federate.js";
import { findRoute, graphInput, insertHaul, listRoutes, stopsOf } from "./store.js";
import { findWays, type Way } from "./ways.js";

export interface HaulInput {
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  readonly weightKg: number;
  readonly volumeM3?: number;
  readonly from: string;
  readonly to: string;
  readonly window: { readonly start: number; readonly end: number };
  readonly reason?: string | null;
  /** Only these drivers are asked (e.g. those not yet declined); all candidates when absent. */
  readonly drivers?: readonly string[];
}

export type NewHaulRow = Omit<HaulRow, "id" | "createdAt" | "updatedAt">;

export type HaulRequestResult =
  | { readonly ok: true; readonly haul: HaulRow; readonly ways: Way[] }
  | { readonly ok: false; readonly reason: string };

/** The request row and its Offer, prepared before any transaction (serialising is async). */
export async function prepareHaulRequest(
  ctx: Context<NodeServices>,
  input: HaulInput,
): Promise<{ row: NewHaulRow; offer: PreparedActivity; ways: Way[] } | { reason: string }> {
  const { db } = ctx.data;
  const load = { weightKg: input.weightKg, volumeM3: input.volumeM3 ?? 0 };
  const { routes, departures } = graphInput(db);
  let ways = findWays(routes, departures, { from: input.from, to: input.to, start: input.window.start, end: input.window.end, load });
  if (input.drivers) ways = ways.filter((w) => input.drivers!.includes(w.driver));
  if (ways.length === 0) return { reason: `No known departure carries ${load.weightKg} kg from ${input.from} to ${input.to} within the window` };
  const drivers = new Map<string, Party>();
  for (const w of ways) {
    const r = findRoute(db, w.route)!;
    drivers.set(r.driverUri, { id: r.driverUri, inbox: r.driverInbox, sharedInbox: null });
  }
  const row = haulRowOf(ctx, input, [...drivers.values()], [input.from, input.to]);
  const offer = await prepareHaulOffer(ctx, row);
  return { row, offer, ways };
}

/**
 * A new haul row: sent to `drivers`, concerning the communities at `stops`
 * (those we know an inbox for), any `watchers` (a chain segment's next
 * drivers, who must hear its hand-over) and always the requester, which may
 * be on none of the routes but hears every step.
 */
export function haulRowOf(
  ctx: Context<NodeServices>,
  input: HaulInput,
  drivers: readonly Party[],
  stops: readonly string[],
  chain: { uri: string; index: number; length: number } | null = null,
  watchers: readonly Party[] = [],
): NewHaulRow {
  const { db, config } = ctx.data;
  const self = ctx.getActorUri(config.handle).href;
  const known = new Map(listRoutes(db).flatMap((r) => stopsOf(r)).map((s) => [s.uri, s]));
  const parties = stops.map((uri) => known.get(uri)).filter((s) => s?.inbox);
  const requester = { uri: self, inbox: ctx.getInboxUri(config.handle).href, sharedInbox: ctx.getInboxUri().href };
  return {
    uri: new URL(`/hauls/${crypto.randomUUID()}`, config.origin).href,
    requesterUri: self,
    fromUri: input.from,
    toUri: input.to,
    resource: input.resource,
    quantity: input.quantity,
    unit: input.unit,
    weightKg: input.weightKg,
    volumeM3: input.volumeM3 ?? 0,
    windowStart: input.window.start,
    windowEnd: input.window.end,
    reason: input.reason ?? null,
    status: "open",
    driversJson: JSON.stringify(drivers),
    partiesJson: JSON.stringify([
      ...new Map([
        ...[...parties, requester].map((s) => [s!.uri, { id: s!.uri, inbox: s!.inbox!, sharedInbox: s!.sharedInbox }] as const),
        ...watchers.map((w) => [w.id, w] as const),
      ]).values(),
    ]),
    driverUri: null,
    departureUri: null,
    fromLeg: null,
    toLeg: null,
    pickedUp: null,
    delivered: null,
    received: null,
    difference: null,
    handedOverJson: "[]",
    flag: null,
    replacedBy: null,
    chainUri: chain?.uri ?? null,
    chainIndex: chain?.index ?? null,
    chainLength: chain?.length ?? null,
  };
}

/** The Offer of a new haul row to its drivers and communities (serialised before any transaction). */
export function prepareHaulOffer(ctx: Context<NodeServices>, row: NewHaulRow): Promise<PreparedActivity> {
  const { config } = ctx.data;
  const self = ctx.getActorUri(config.handle).href;
  const preview = { ...row, id: 0, createdAt: Date.now(), updatedAt: Date.now() };
  const audience = haulAudience(ctx, preview, self);
  return prepareActivity(ctx, toHaulOffer(preview, activityUri(config.origin, crypto.randomUUID()), audience.map((a) => a.id)), {
    sender: config.handle,
    audience: { followers: false, actors: audience },
  });
}

/** Prepares and saves a haul request with its Offer (one transaction). */
export async function requestHaul(ctx: Context<NodeServices>, input: HaulInput): Promise<HaulRequestResult> {
  const prepared = await prepareHaulRequest(ctx, input);
  if ("reason" in prepared) return { ok: false, reason: prepared.reason };
  const haul = commitWithActivities(ctx.data, (emit) => {
    const h = insertHaul(ctx.data.db, prepared.row);
    emit(prepared.offer);
    return h;
  });
  return { ok: true, haul, ways: prepared.ways };
}
