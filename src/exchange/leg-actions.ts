/**
 * The proposer keeps every leg of an agreed exchange asked for: the first
 * haul request after the agreement, and a new one when nobody could take the
 * leg (all asked drivers declined, the request's window passed, or no
 * departure existed) and the route graph has since gained a departure that
 * fits — while the agreement's quantity and windows still hold. Only drivers
 * are asked again, never the communities. Each request, its Offer and the
 * `legRequested` event are saved in one transaction, keyed by the attempt
 * number, so a replayed route update or a second pass asks nobody twice.
 */
import { createHash } from "node:crypto";
import type { Context } from "@fedify/fedify";
import type { ExchangeRow } from "../db/schema/exchange.js";
import type { HaulRow } from "../db/schema/transport.js";
import type { NodeServices } from "../federation/context.js";
import { commitWithActivities, type PreparedActivity } from "../federation/outbox.js";
import { findItem } from "../supply/store.js";
import { findNetworkItem } from "../supply/view-store.js";
import { PLANNING_HORIZON_DAYS, prepareHaulEvent } from "../transport/federate.js";
import { fieldsOf, stateOf } from "../transport/haul-rows.js";
import { applyHaulEvent } from "../transport/hauls.js";
import { prepareHaulRequest } from "../transport/request-haul.js";
import { haulStep } from "../transport/haul-actions.js";
import { departureGone } from "../transport/replan.js";
import { findHaulByUri, graphInput, insertHaul, listHauls, openHaulsRequestedBy, updateHaul } from "../transport/store.js";
import { findWays } from "../transport/ways.js";
import { type CandidateWay, type CurrentRequest, decideLeg, type LegRequests } from "./legs.js";
import { isExchangeLeg } from "./haul-link.js";
import { prepareExchangeEvent, selfUri } from "./publish.js";
import type { ExchangeEvent, ExchangeView, LegView } from "./state.js";
import { addEvent, addLegRequest, eventsOf, legRequestsOf } from "./store.js";

type Ctx = Context<NodeServices>;
const DAY = 86_400_000;

/** For each leg without a driver: ask, ask again, or say why nobody carries it. Safe to run any number of times. */
export async function serveLegs(ctx: Ctx, row: ExchangeRow, view: ExchangeView, agreed: number): Promise<void> {
  const { db } = ctx.data;
  const now = Date.now();
  const terms = agreementTerms(ctx, row, agreed, now, view.pickedUp !== null);
  const events = eventsOf(db, row.uri).map((e) => e.event);
  const load = { weightKg: Math.max(agreed * row.kgPerUnit, 0.001), volumeM3: 0 };
  for (const leg of view.legs) {
    if (leg.driver !== null) continue;
    const req = requestsOf(ctx, row, leg, events);
    const { routes, departures } = graphInput(db);
    const ways: CandidateWay[] = findWays(routes, departures, {
      from: leg.from,
      to: leg.to,
      start: now,
      end: terms.until,
      load,
    });
    const decision = decideLeg(leg, req, ways, terms.broken, now);
    if (decision.kind === "request")
      await askDrivers(ctx, row, leg, req.attempts + 1, decision, {
        resource: view.proposal!.resource,
        agreed,
        load,
        start: now,
        end: terms.until,
      });
    if (decision.kind === "unserved") await markUnserved(ctx, row, leg, req.attempts, decision.reason, decision.lapse);
  }
}

/**
 * After a driver's departures left the route graph: every leg haul we asked
 * for that this driver accepted on a departure now gone is cancelled, saying
 * why, so every party sees that driver gone from the leg (haulDeclined) and
 * the leg is asked of other drivers (serveLegs runs when the step settles).
 * Goods already picked up are left alone; chain segments are re-planned by
 * transport instead.
 */
export async function releaseStrandedLegs(ctx: Ctx, driverUri: string): Promise<void> {
  const { db, log, config } = ctx.data;
  const graph = graphInput(db);
  const stranded = openHaulsRequestedBy(db, selfUri(ctx)).filter(
    (h) =>
      h.chainUri === null && h.driverUri === driverUri && isExchangeLeg(db, h) && departureGone(h, graph),
  );
  for (const h of stranded) {
    try {
      await haulStep({ services: ctx.data, context: () => ctx }, h, { type: "cancel" }, config.handle, true);
    } catch (err) {
      log.warn({ err, haul: h.uri }, "could not release a leg whose departure was withdrawn");
    }
  }
}

/**
 * Whether the agreement still holds (the offer and the need are there, with
 * the quantity, and their windows have not passed), and until when a haul
 * may leave: the planning horizon, or the earliest window end if sooner.
 * An item we know nothing about is taken to hold (the round saw it).
 */
function agreementTerms(
  ctx: Ctx,
  row: ExchangeRow,
  agreed: number,
  now: number,
  pickedUp: boolean,
): { broken: string | null; until: number } {
  let until = now + PLANNING_HORIZON_DAYS * DAY;
  // Once picked up, the offer was lowered by what left: only the need still binds.
  const items = pickedUp
    ? [["need", row.needUri]]
    : [
        ["offer", row.offerUri],
        ["need", row.needUri],
      ];
  for (const [label, uri] of items) {
    const item = itemFacts(ctx, uri!);
    if (!item) continue;
    if (!item.active) return { broken: `the ${label} was withdrawn`, until };
    if (item.windowEnd < now) return { broken: `the ${label}'s window has passed`, until };
    if (item.quantity + 1e-9 < agreed) return { broken: `the ${label} is down to ${item.quantity}`, until };
    until = Math.min(until, item.windowEnd);
  }
  return { broken: null, until };
}

function itemFacts(ctx: Ctx, uri: string): { active: boolean; quantity: number; windowEnd: number } | null {
  const { db, config } = ctx.data;
  const prefix = new URL("/supply/", config.origin).href;
  if (uri.startsWith(prefix)) {
    const own = findItem(db, uri.slice(prefix.length));
    return own ? { active: own.status === "active", quantity: own.quantity, windowEnd: own.windowEnd } : null;
  }
  const seen = findNetworkItem(db, uri);
  return seen ? { active: seen.status === "active", quantity: seen.quantity, windowEnd: seen.windowEnd } : null;
}

/** The leg's requests so far; before leg requests were recorded, the exchange's own haul for the leg stands in. */
function requestsOf(ctx: Ctx, row: ExchangeRow, leg: LegView, events: readonly ExchangeEvent[]): LegRequests {
  const { db } = ctx.data;
  const recorded = legRequestsOf(db, row.uri, leg.id);
  const last = recorded.at(-1);
  const me = selfUri(ctx);
  const haul = last
    ? findHaulByUri(db, last.haulUri)
    : listHauls(db)
        .filter((h) => h.reason === row.uri && h.requesterUri === me && h.fromUri === leg.from && h.toUri === leg.to)
        .at(-1);
  const current: CurrentRequest | null = haul
    ? {
        uri: haul.uri,
        status: haul.status,
        drivers: (JSON.parse(haul.driversJson) as { id: string }[]).map((d) => d.id),
        windowEnd: haul.windowEnd,
        flag: haul.flag,
      }
    : null;
  const declinedCurrent = events.flatMap((e) =>
    e.kind === "haulDeclined" && e.leg === leg.id && current && (e.haul === undefined || e.haul === current.uri)
      ? [e.driver]
      : [],
  );
  const offered = new Set(recorded.flatMap((r) => JSON.parse(r.departuresJson) as string[]));
  return { attempts: last?.attempt ?? (haul ? 1 : 0), current, declinedCurrent, offered };
}

/** One transaction: the superseded request cancelled, the new one and its Offer, the attempt, and the `legRequested` event. */
async function askDrivers(
  ctx: Ctx,
  row: ExchangeRow,
  leg: LegView,
  attempt: number,
  decision: { ways: readonly CandidateWay[]; replaces: string | null },
  haul: { resource: string; agreed: number; load: { weightKg: number; volumeM3: number }; start: number; end: number },
): Promise<void> {
  const { db, log } = ctx.data;
  const drivers = [...new Set(decision.ways.map((w) => w.driver))];
  const prepared = await prepareHaulRequest(ctx, {
    resource: haul.resource,
    quantity: haul.agreed,
    unit: row.unit,
    weightKg: haul.load.weightKg,
    from: leg.from,
    to: leg.to,
    window: { start: haul.start, end: haul.end },
    reason: row.uri,
    drivers,
  });
  if ("reason" in prepared) {
    log.warn({ exchange: row.uri, leg: leg.id, reason: prepared.reason }, "could not request a haul for a leg");
    return;
  }
  const old = decision.replaces ? findHaulByUri(db, decision.replaces) : undefined;
  const cancel = old ? await prepareCancel(ctx, old) : null;
  const event: ExchangeEvent = {
    id: legEventId(ctx, row.uri, leg.id, `requested-${attempt}`),
    at: new Date().toISOString(),
    kind: "legRequested",
    leg: leg.id,
    attempt,
    haul: prepared.row.uri,
  };
  const announce = await prepareExchangeEvent(ctx, row, event);
  const departures = [...new Set(prepared.ways.map((w) => w.departure))];
  const asked = commitWithActivities(ctx.data, (emit) => {
    if (
      !addLegRequest(db, {
        exchangeUri: row.uri,
        legId: leg.id,
        attempt,
        haulUri: prepared.row.uri,
        departuresJson: JSON.stringify(departures),
      })
    )
      return false;
    if (old && cancel) {
      const current = findHaulByUri(db, old.uri);
      if (current?.status === "open") {
        updateHaul(db, current.id, { ...cancel.fields, flag: "superseded" });
        emit(cancel.activity);
      }
    }
    insertHaul(db, prepared.row);
    emit(prepared.offer);
    if (addEvent(db, row.uri, selfUri(ctx), event)) emit(announce);
    return true;
  });
  if (asked) log.info({ exchange: row.uri, leg: leg.id, attempt, drivers }, "asked drivers to carry a leg");
}

/** `legUnserved` once per attempt; a request whose window passed is cancelled with it, so its drivers stop seeing it. */
async function markUnserved(
  ctx: Ctx,
  row: ExchangeRow,
  leg: LegView,
  attempt: number,
  reason: string,
  lapse: string | null,
): Promise<void> {
  const { db } = ctx.data;
  const id = legEventId(ctx, row.uri, leg.id, `unserved-${attempt}`);
  const reported = eventsOf(db, row.uri).some((e) => e.event.id === id);
  const old = lapse ? findHaulByUri(db, lapse) : undefined;
  // Already reported (say, all declined) and nothing to withdraw: nothing to do.
  if (reported && old?.status !== "open") return;
  const event: ExchangeEvent = { id, at: new Date().toISOString(), kind: "legUnserved", leg: leg.id, attempt, reason };
  const announce = reported ? null : await prepareExchangeEvent(ctx, row, event);
  const cancel = old?.status === "open" ? await prepareCancel(ctx, old) : null;
  commitWithActivities(ctx.data, (emit) => {
    if (announce && addEvent(db, row.uri, selfUri(ctx), event)) emit(announce);
    const current = old ? findHaulByUri(db, old.uri) : undefined;
    if (current && cancel && current.status === "open") {
      updateHaul(db, current.id, { ...cancel.fields, flag: "lapsed" });
      emit(cancel.activity);
    }
  });
}

async function prepareCancel(
  ctx: Ctx,
  haul: HaulRow,
): Promise<{ fields: Partial<HaulRow>; activity: PreparedActivity } | null> {
  const next = applyHaulEvent(stateOf(haul), { type: "cancel" });
  if (!next.ok) return null;
  const activity = await prepareHaulEvent(ctx, haul, { type: "cancel", haul: haul.uri }, ctx.data.config.handle);
  return { fields: fieldsOf(next.state, { type: "cancel" }), activity };
}

/** The same id for the same news about the same attempt: a second pass records nothing new. */
function legEventId(ctx: Ctx, exchange: string, leg: string, what: string): string {
  const digest = createHash("sha256").update(`${exchange}\n${leg}\n${what}`).digest("hex").slice(0, 32);
  return new URL(`/exchange-events/leg-${digest}`, ctx.data.config.origin).href;
}
