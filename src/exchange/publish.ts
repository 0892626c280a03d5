/**
 * Saving an exchange event made here and announcing it to the other parties,
 * in one transaction (the event and its activity, or neither).
 */
import type { Context } from "@fedify/fedify";
import type { Db } from "../db/client.js";
import type { ExchangeRow } from "../db/schema/exchange.js";
import { activityUri, type NodeServices } from "../federation/context.js";
import { type ExchangeSetup, toExchangeActivity, type WireParty } from "../federation/mappers/exchange.js";
import { commitWithActivities, type PreparedActivity, prepareActivity } from "../federation/outbox.js";
import type { ExchangeEvent } from "./state.js";
import { addEvent, type NewExchange, viewOf } from "./store.js";

type Ctx = Context<NodeServices>;

export function selfUri(ctx: Ctx): string {
  return ctx.getActorUri(ctx.data.config.handle).href;
}

export function setupOf(row: ExchangeRow): ExchangeSetup {
  return {
    round: row.roundUri,
    proposer: row.proposer,
    supplier: row.supplier,
    receiver: row.receiver,
    offer: row.offerUri,
    need: row.needUri,
    unit: row.unit,
    kgPerUnit: row.kgPerUnit,
    parties: JSON.parse(row.partiesJson) as WireParty[],
  };
}

/** The inverse of `setupOf`: the exchange row a party keeps for the setup it received. */
export function rowOfSetup(exchange: string, s: ExchangeSetup): NewExchange {
  return {
    uri: exchange,
    roundUri: s.round,
    proposer: s.proposer,
    supplier: s.supplier,
    receiver: s.receiver,
    offerUri: s.offer,
    needUri: s.need,
    unit: s.unit,
    kgPerUnit: s.kgPerUnit,
    partiesJson: JSON.stringify(s.parties),
  };
}

/** Negotiation goes to the communities; the agreement and a cancellation also to the drivers. */
function recipientsOf(ctx: Ctx, row: ExchangeRow, event: ExchangeEvent): WireParty[] {
  const communities = new Set([row.proposer, row.supplier, row.receiver]);
  const everyone = event.kind === "agreed" || event.kind === "cancelled";
  return setupOf(row).parties.filter(
    (p) => (everyone || communities.has(p.id)) && new URL(p.id).origin !== ctx.data.config.origin,
  );
}

/**
 * Records `event` (made by our community) and sends it. `during` runs inside
 * the transaction first (say, the supplier's reservation) and may veto by
 * returning false. Returns false when nothing was recorded (vetoed or a duplicate).
 */
export async function emitExchangeEvent(
  ctx: Ctx,
  row: ExchangeRow,
  event: ExchangeEvent,
  during?: (db: Db) => boolean,
): Promise<boolean> {
  const { db } = ctx.data;
  const prepared = await prepareExchangeEvent(ctx, row, event);
  return commitWithActivities(ctx.data, (emit) => {
    if (during && !during(db)) return false;
    if (!addEvent(db, row.uri, selfUri(ctx), event)) return false;
    emit(prepared);
    return true;
  });
}

/**
 * The activity announcing `event`, serialised before any transaction; the
 * caller records the event (`addEvent`) and emits this in its own
 * transaction, beside whatever else that transaction saves.
 */
export async function prepareExchangeEvent(ctx: Ctx, row: ExchangeRow, event: ExchangeEvent): Promise<PreparedActivity> {
  const { db, config } = ctx.data;
  const facts = event.kind === "proposed" ? event.proposal : viewOf(db, row.uri, new Date()).proposal;
  const setup = setupOf(row);
  const to = recipientsOf(ctx, row, event);
  const activity = toExchangeActivity(
    { exchange: row.uri, event, setup },
    { activity: activityUri(config.origin, crypto.randomUUID()), actor: new URL(selfUri(ctx)), recipients: to.map((p) => p.id) },
    facts,
    setup,
  );
  return prepareActivity(ctx, activity, {
    sender: config.handle,
    audience: { followers: false, actors: to.map((p) => ({ id: p.id, inbox: p.inbox, sharedInbox: p.sharedInbox })) },
    listed: true,
  });
}

/** A fresh event id under our origin (the same id reaches every party, so duplicates collapse). */
export function newEventId(ctx: Ctx): string {
  return new URL(`/exchange-events/${crypto.randomUUID()}`, ctx.data.config.origin).href;
}
