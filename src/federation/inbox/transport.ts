import type { InboxContext } from "@fedify/fedify";
import { type Accept, type Create, type Delete, type Note, type Offer, Proposal, type Update } from "@fedify/vocab";
import { inTransaction } from "../../db/client.js";
import {
  followRoutePeers,
  prepareLateAcceptRefusal,
  publishCapacity,
  routeGraphGrew,
} from "../../transport/federate.js";
import { departuresWithdrawn, replanAfterRefusal } from "../../transport/federate-replan.js";
import { DEPARTURE_WITHDRAWN, NO_WAY, REPLANNED } from "../../transport/replan.js";
import { applyHaulEvent } from "../../transport/hauls.js";
import { type HaulStep, haulStepRecorded, haulStepSettled } from "../../transport/haul-observers.js";
import { fieldsOf, releaseIfCarriedHere, stateOf } from "../../transport/haul-rows.js";
import {
  departuresOf,
  findHaulByUri,
  findRoute,
  haulsOnRoute,
  insertHaul,
  recordRefusal,
  saveRoute,
  updateHaul,
  withdrawRoute,
} from "../../transport/store.js";
import type { NodeServices } from "../context.js";
import { commitWithActivities } from "../outbox.js";
import { chainLinkOf, haulEventOf, haulPayloadOf, type HaulEventPayload, type Party } from "../mappers/haul.js";
import { routePayloadOf } from "../mappers/route.js";
import { markProcessed } from "./log.js";

type Ctx = InboxContext<NodeServices>;

/**
 * Create or Update of a driver's route: record it for the route graph (the
 * driver's node stays the authority; we keep its latest picture), flag our
 * hauls whose departure vanished, and follow the other stop communities.
 * Returns false when the object is not a route.
 */
export async function onRouteActivity(ctx: Ctx, activity: Create | Update, object: unknown): Promise<boolean> {
  if (!(object instanceof Proposal) || object.id === null) return false;
  const payload = await routePayloadOf(object);
  if (payload === null) return false;
  const { db, log, config } = ctx.data;
  if (activity.id === null || activity.actorId === null) return true;
  if (object.attributionId?.href !== activity.actorId.href || object.id.origin !== activity.actorId.origin) {
    log.warn({ activity: activity.id.href }, "ignored a route not published by its own driver");
    return true;
  }
  if (object.id.origin === config.origin) return true; // our own driver's route: this node already has it
  const driver = await activity.getActor(ctx);
  if (!driver?.inboxId) return true;
  const routeUri = object.id.href;
  const departures = payload.departures.map((d) => ({
    uri: d.id,
    departsAt: Date.parse(d.startTime),
    cancelled: false,
    legs: d.legs,
  }));
  const live = new Set(departures.map((d) => d.uri));
  let departureLost = false;
  const stored = inTransaction(ctx.data.sqlite, () => {
    if (!markProcessed(db, { id: activity.id!.href, actor: activity.actorId!.href, type: "RouteUpdate" })) return false;
    const before = findRoute(db, routeUri);
    if (before?.status === "withdrawn") return false;
    const onIt = haulsOnRoute(db, routeUri);
    departureLost = departuresOf(db, routeUri).some((d) => !d.cancelled && !live.has(d.uri));
    saveRoute(db, {
      uri: routeUri,
      driverId: null,
      driverUri: activity.actorId!.href,
      driverInbox: driver.inboxId!.href,
      name: object.name?.toString() ?? "route",
      stops: payload.stops,
      legs: payload.legs,
      schedule: payload.schedule,
      refrigerated: payload.refrigerated,
      status: "active",
      departures,
    });
    for (const h of onIt)
      if (h.departureUri && !live.has(h.departureUri) && h.status !== "received")
        updateHaul(db, h.id, { flag: "departure_changed" });
    return true;
  });
  await followRoutePeers(ctx, payload.stops);
  // A replay stored nothing, so it asks nobody anything.
  if (stored) await routeGraphGrew(ctx);
  // A departure withdrawn may strand a chain segment or an exchange leg we asked for.
  if (stored && departureLost) await departuresWithdrawn(ctx, activity.actorId!.href);
  return true;
}

/** Delete of a route by its driver: withdrawn from the graph; hauls on it are flagged, and what we asked of it is asked of others. */
export async function onRouteDelete(ctx: Ctx, del: Delete): Promise<boolean> {
  const { db } = ctx.data;
  const uri = del.objectId?.href;
  const route = uri ? findRoute(db, uri) : undefined;
  if (!route || del.id === null || del.actorId === null) return false;
  if (route.driverUri !== del.actorId.href || route.driverId !== null) return true;
  const fresh = inTransaction(ctx.data.sqlite, () => {
    if (!markProcessed(db, { id: del.id!.href, actor: del.actorId!.href, type: "RouteDelete" })) return false;
    withdrawRoute(db, route.uri);
    for (const h of haulsOnRoute(db, route.uri))
      if (h.status !== "received" && h.status !== "cancelled") updateHaul(db, h.id, { flag: "route_withdrawn" });
    return true;
  });
  if (fresh) await departuresWithdrawn(ctx, route.driverUri);
  return true;
}

/** Offer of a haul request: keep a copy, so our drivers can list it and our community can follow it. */
export async function onHaulOffer(ctx: Ctx, offer: Offer): Promise<void> {
  const { db, log } = ctx.data;
  const object = await offer.getObject(ctx).catch(() => null);
  if (!(object instanceof Proposal) || object.id === null || offer.id === null || offer.actorId === null) return;
  const p = await haulPayloadOf(object);
  if (p === null) return;
  if (object.attributionId?.href !== offer.actorId.href || object.id.origin !== offer.actorId.origin) {
    log.warn({ activity: offer.id.href }, "ignored a haul request not sent by its requester");
    return;
  }
  if (object.id.origin === ctx.data.config.origin) return;
  // A segment of a way with hand-overs: keep its link, so this node can show the whole chain.
  const chain = chainLinkOf(offer, p);
  inTransaction(ctx.data.sqlite, () => {
    if (!markProcessed(db, { id: offer.id!.href, actor: offer.actorId!.href, type: "HaulOffer" })) return;
    const known = findHaulByUri(db, object.id!.href);
    if (known) {
      // Re-sent by its requester after a re-plan: new parties (the new next segment's drivers) to address.
      if (known.requesterUri === offer.actorId!.href)
        updateHaul(db, known.id, {
          partiesJson: JSON.stringify(mergeParties(JSON.parse(known.partiesJson), p.parties)),
        });
      return;
    }
    const st = p.state;
    insertHaul(db, {
      uri: object.id!.href,
      requesterUri: offer.actorId!.href,
      fromUri: p.from,
      toUri: p.to,
      resource: p.resource,
      quantity: p.quantity,
      unit: p.unit,
      weightKg: p.weightKg,
      volumeM3: p.volumeM3,
      windowStart: Date.parse(p.windowStart),
      windowEnd: Date.parse(p.windowEnd),
      reason: p.reason,
      status: "open",
      driversJson: JSON.stringify(p.drivers),
      partiesJson: JSON.stringify(p.parties),
      chainUri: chain?.uri ?? null,
      chainIndex: chain?.index ?? null,
      chainLength: chain?.length ?? null,
      ...(st
        ? {
            status: st.status,
            driverUri: st.driver,
            departureUri: st.departure,
            pickedUp: st.pickedUp,
            delivered: st.delivered,
            handedOverJson: JSON.stringify(st.handedOver),
          }
        : {}),
    });
  });
}

function mergeParties(a: readonly Party[], b: readonly Party[]): Party[] {
  return [...new Map([...a, ...b].map((x) => [x.id, x] as const)).values()];
}

/**
 * A step of a haul made elsewhere (Accept by a driver, or a Note for the
 * later steps). Only the party entitled to a step may make it: a candidate
 * driver accepts, the carrying driver reports the journey, the receiving
 * community confirms receipt. Returns false when the activity is not about a haul.
 */
export async function onHaulEvent(ctx: Ctx, activity: Accept | Create, carrier: Accept | Note): Promise<boolean> {
  const event = await haulEventOf(carrier);
  if (event === null) return false;
  const { db, log } = ctx.data;
  const haul = findHaulByUri(db, event.haul);
  if (activity.id === null || activity.actorId === null) return true;
  // A step can overtake its request (they travel under different senders): throwing makes Fedify retry later.
  if (!haul) throw new Error(`haul ${event.haul} not known yet; the step will be retried`);
  const actor = activity.actorId.href;
  if (!mayMake(haul, event, actor)) {
    log.warn({ activity: activity.id.href, actor }, "ignored a haul step from an actor not entitled to it");
    return true;
  }
  const next = applyHaulEvent(stateOf(haul), event);
  let released: string | null = null;
  let observed: HaulStep | null = null;
  let refused = false;
  const requester = haul.requesterUri === ctx.getActorUri(ctx.data.config.handle).href;
  // A second driver's Accept for a request we already gave away: they are told in the same transaction.
  const lostRace =
    !next.ok &&
    event.type === "accept" &&
    haul.requesterUri === ctx.getActorUri(ctx.data.config.handle).href &&
    haul.driverUri !== null &&
    haul.driverUri !== actor;
  const refusal = lostRace ? await prepareLateAcceptRefusal(ctx, haul, actor) : null;
  commitWithActivities(ctx.data, (emit) => {
    if (!markProcessed(db, { id: activity.id!.href, actor, type: `Haul:${event.type}` })) return;
    if (!next.ok) {
      log.info({ activity: activity.id!.href, reason: next.reason }, "haul step does not apply to our copy");
      if (refusal) emit(refusal);
      return;
    }
    const extra =
      event.type === "accept"
        ? {
            driverUri: actor,
            departureUri: event.departure ?? null,
            fromLeg: event.fromLeg ?? null,
            toLeg: event.toLeg ?? null,
          }
        : event.type === "no_way"
          ? { flag: NO_WAY }
          : event.type === "cancel" && event.replanned === true
            ? { flag: REPLANNED, replacedBy: event.replacedBy ?? null }
            : event.type === "cancel" && event.departureGone === true
              ? { flag: DEPARTURE_WITHDRAWN }
              : {};
    updateHaul(db, haul.id, { ...fieldsOf(next.state, event), ...extra });
    // The requester remembers who refused, to tell when a chain segment has nobody left.
    if (requester && (event.type === "decline" || event.type === "withdraw"))
      refused = recordRefusal(db, haul.uri, actor, event.type);
    released = releaseIfCarriedHere(db, haul, event);
    observed = { haul, event, activityId: activity.id!.href, actor };
    haulStepRecorded(db, observed);
  });
  if (released) await publishCapacity(ctx, released);
  if (observed) await haulStepSettled(ctx, observed);
  if (refused) await replanAfterRefusal(ctx, haul);
  return true;
}

function mayMake(
  haul: { driversJson: string; driverUri: string | null; toUri: string; requesterUri: string },
  e: HaulEventPayload,
  actor: string,
): boolean {
  if (e.type === "accept" || e.type === "decline")
    return (JSON.parse(haul.driversJson) as { id: string }[]).some((d) => d.id === actor);
  if (e.type === "received") return haul.toUri === actor;
  if (e.type === "cancel" || e.type === "no_way") return haul.requesterUri === actor;
  return haul.driverUri === actor;
}
