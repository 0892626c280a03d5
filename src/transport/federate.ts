/**
 * The Fedify-facing side of transport: turns routes and haul steps into
 * prepared activities for the outbox, and follows the communities a route
 * joins us to. Domain rules stay in the pure modules; this only addresses.
 */
import type { Context } from "@fedify/fedify";
import { Delete, Update, Create } from "@fedify/vocab";
import type { HaulRow } from "../db/schema/transport.js";
import { activityUri, type NodeServices } from "../federation/context.js";
import { type HaulEventPayload, type Party, payloadOfHaul, toHaulAccept, toHaulEventCreate } from "../federation/mappers/haul.js";
import { toRouteProposal } from "../federation/mappers/route.js";
import { type AddressedActor, commitWithActivities, type PreparedActivity, prepareActivity } from "../federation/outbox.js";
import { followActor } from "../network/follow-actor.js";
import { findFollowing, listFollowers } from "../network/follows.js";
import { driverIdentifier } from "./drivers.js";
import { rollForward } from "./roll-forward.js";
import { findRoute, listRoutes, loadSnapshot, type RouteSnapshot, saveRoute, type StoredStop } from "./store.js";

type Ctx = Context<NodeServices>;

/** Days ahead that recurring departures are expanded for, and the default planning horizon. */
export const PLANNING_HORIZON_DAYS = 28;

/** Remote actors only: a change made here is already in this node's database. */
export function remoteOnly(ctx: Ctx, actors: readonly (AddressedActor | Party | null)[]): AddressedActor[] {
  const seen = new Map<string, AddressedActor>();
  for (const a of actors) {
    if (!a || !a.inbox || new URL(a.id).origin === ctx.data.config.origin) continue;
    seen.set(a.id, { id: a.id, inbox: a.inbox, sharedInbox: a.sharedInbox ?? null });
  }
  return [...seen.values()];
}

export function stopParties(stops: readonly StoredStop[]): Party[] {
  return stops.filter((s) => s.inbox !== null).map((s) => ({ id: s.uri, inbox: s.inbox!, sharedInbox: s.sharedInbox }));
}

/**
 * Create / Update / Delete of a route, from its driver to every community on
 * it, to the communities following the driver's home community (so a
 * community can plan ways with hand-overs over routes that do not name it),
 * and to any extra parties.
 */
export async function prepareRouteActivity(
  ctx: Ctx,
  kind: "create" | "update" | "delete",
  route: RouteSnapshot,
  driverIdentifier: string,
  extra: readonly Party[] = [],
): Promise<PreparedActivity> {
  const actor = ctx.getActorUri(driverIdentifier);
  const audience = remoteOnly(ctx, [...stopParties(route.stops), ...homeFollowers(ctx), ...extra]);
  const id = activityUri(ctx.data.config.origin, crypto.randomUUID());
  const tos = route.stops.map((s) => new URL(s.uri));
  const object = toRouteProposal(route, ctx.getActorUri(ctx.data.config.handle));
  const activity =
    kind === "create"
      ? new Create({ id, actor, object, tos })
      : kind === "update"
        ? new Update({ id, actor, object, tos })
        : new Delete({ id, actor, object: new URL(route.uri), tos });
  return prepareActivity(ctx, activity, { sender: driverIdentifier, audience: { followers: false, actors: audience }, listed: true });
}

/** The accepted followers of our community, as haul/route parties. */
function homeFollowers(ctx: Ctx): Party[] {
  const out: Party[] = [];
  let after: number | undefined;
  do {
    const page = listFollowers(ctx.data.db, ctx.data.config.handle, { status: "accepted", after, limit: 500 });
    for (const f of page.items) out.push({ id: f.actorUri, inbox: f.inboxUrl, sharedInbox: f.sharedInboxUrl });
    after = page.next ?? undefined;
  } while (after !== undefined);
  return out;
}

/** Everyone concerned with a haul: the communities and the candidate drivers, except the sender. */
export function haulAudience(ctx: Ctx, haul: HaulRow, sender: string): AddressedActor[] {
  const p = payloadOfHaul(haul);
  return remoteOnly(ctx, [...p.parties, ...p.drivers].filter((a) => a.id !== sender));
}

/** A haul step, sent by `senderIdentifier` (a driver or our community) to everyone concerned, or to `onlyTo` alone. */
export async function prepareHaulEvent(
  ctx: Ctx,
  haul: HaulRow,
  event: HaulEventPayload,
  senderIdentifier: string,
  onlyTo?: string,
): Promise<PreparedActivity> {
  const actor = ctx.getActorUri(senderIdentifier);
  const audience = haulAudience(ctx, haul, actor.href).filter((a) => onlyTo === undefined || a.id === onlyTo);
  const id = activityUri(ctx.data.config.origin, crypto.randomUUID());
  const recipients = audience.map((a) => a.id);
  const activity =
    event.type === "accept"
      ? toHaulAccept(event, id, actor, recipients)
      : toHaulEventCreate(event, id, new URL(`${id.href}/note`), actor, recipients);
  return prepareActivity(ctx, activity, { sender: senderIdentifier, audience: { followers: false, actors: audience } });
}

/**
 * A route that names our community joins us to its other stops: follow each
 * we do not follow yet, unless our policy says not to. Best effort: a stop
 * that cannot be reached now is simply not followed (and logged).
 */
export async function followRoutePeers(ctx: Ctx, stops: readonly StoredStop[]): Promise<void> {
  const { config, db, log } = ctx.data;
  const self = ctx.getActorUri(config.handle).href;
  if (!config.followRoutePeers || !stops.some((s) => s.uri === self)) return;
  for (const s of stops) {
    if (s.uri === self || new URL(s.uri).origin === config.origin || findFollowing(db, s.uri)) continue;
    const result = await followActor(ctx, s.uri);
    if (!result.ok) log.info({ stop: s.uri, reason: result.reason }, "could not follow a community on a route");
  }
}

/**
 * After capacity changed, the route is re-published as an Update so every
 * community's route graph follows. Sent after the commit, in its own
 * transaction: a lost Update is repaired by the next one.
 */
export async function publishCapacity(ctx: Ctx, routeUri: string): Promise<void> {
  const row = findRoute(ctx.data.db, routeUri);
  if (!row?.driverId || row.status !== "active") return;
  const update = await prepareRouteActivity(ctx, "update", loadSnapshot(ctx.data.db, row), driverIdentifier(row.driverId));
  commitWithActivities(ctx.data, (emit) => emit(update));
}

type GraphListener = (ctx: Ctx) => Promise<void>;
const graphListeners = new Set<GraphListener>();

/**
 * Other features (the exchange's leg requests) hear when the route graph
 * gained departures — a new or updated route, here or from another node, or
 * departures rolled into the horizon — without transport knowing them.
 */
export function onRouteGraphGrew(listener: GraphListener): void {
  graphListeners.add(listener);
}

/** Called after the commit that stored new or changed departures. */
export async function routeGraphGrew(ctx: Ctx): Promise<void> {
  for (const l of graphListeners) await l(ctx).catch((err: unknown) => ctx.data.log.warn({ err }, "route graph listener failed"));
}

/** Told the actor URI of the driver who withdrew a route or some of its departures. */
type ShrinkListener = (ctx: Ctx, driverUri: string) => Promise<void>;
const shrinkListeners = new Set<ShrinkListener>();

/**
 * Other features (the exchange's legs) hear when departures left the route
 * graph — a route or one departure withdrawn, here or by another node's
 * driver — so that what was promised on them can be asked of someone else.
 */
export function onRouteGraphShrank(listener: ShrinkListener): void {
  shrinkListeners.add(listener);
}

/** Called after the commit in which driver `driverUri` withdrew a route or some of its departures. */
export async function routeGraphShrank(ctx: Ctx, driverUri: string): Promise<void> {
  for (const l of shrinkListeners) await l(ctx, driverUri).catch((err: unknown) => ctx.data.log.warn({ err }, "route graph listener failed"));
}

/**
 * Keeps this node's recurring routes bookable: adds the departures that came
 * into the planning horizon since the route was published, and announces the
 * route again (Update) in the same transaction. If a haul changed the route's
 * capacity while the Update was being prepared, the route is left for the
 * next pass rather than overwritten. Returns how many routes grew.
 */
export async function rollRoutesForward(ctx: Ctx, now = new Date()): Promise<number> {
  const { db } = ctx.data;
  let grown = 0;
  for (const row of listRoutes(db)) {
    if (!row.driverId || row.status !== "active") continue;
    const before = loadSnapshot(db, row);
    const next = rollForward(before, now, PLANNING_HORIZON_DAYS);
    if (!next) continue;
    const update = await prepareRouteActivity(ctx, "update", next, driverIdentifier(row.driverId));
    const saved = commitWithActivities(ctx.data, (emit) => {
      const current = findRoute(db, row.uri);
      if (!current || JSON.stringify(loadSnapshot(db, current)) !== JSON.stringify(before)) return false;
      saveRoute(db, next);
      emit(update);
      return true;
    });
    if (saved) grown++;
  }
  if (grown > 0) await routeGraphGrew(ctx);
  return grown;
}

/**
 * Two drivers on two nodes can accept the same request at once: each node
 * reserves room for it, and the requester keeps the Accept that reached it
 * first. The other driver is told, alone, that the request is cancelled for
 * them, so their node releases the room it reserved. Prepared before the
 * inbox transaction that records the losing Accept, and emitted inside it.
 */
export function prepareLateAcceptRefusal(ctx: Ctx, haul: HaulRow, driver: string): Promise<PreparedActivity> {
  return prepareHaulEvent(ctx, haul, { type: "cancel", haul: haul.uri }, ctx.data.config.handle, driver);
}
