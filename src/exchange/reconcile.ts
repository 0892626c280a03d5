/**
 * After any event, each party brings its own side in line with the derived
 * state, exactly once (flags on the exchange row): the proposer publishes the
 * agreement and keeps every leg asked for (leg-actions.ts); the supplier releases or uses its
 * reservation and lowers its offer by what was picked up; the receiver lowers
 * its need by what was received. Both record the flow in the ledger.
 * Re-running it changes nothing, so it runs after every event and on a timer.
 */
import type { Context } from "@fedify/fedify";
import { recordGoodsFlow } from "../community/ledger-store.js";
import type { Db } from "../db/client.js";
import type { ExchangeRow } from "../db/schema/exchange.js";
import type { NodeServices } from "../federation/context.js";
import { prepareSupplyActivities } from "../federation/supply.js";
import { commitWithActivities, type PreparedActivity } from "../federation/outbox.js";
import { findKindById } from "../supply/catalogue-store.js";
import { changedItemRow, fieldsOf, findItem, saveChange } from "../supply/store.js";
import { haulStep } from "../transport/haul-actions.js";
import { listHauls } from "../transport/store.js";
import { serveLegs } from "./leg-actions.js";
import { emitExchangeEvent, newEventId, selfUri } from "./publish.js";
import { endReservation, findExchange, findReservation, reserve, setFlags, viewOf } from "./store.js";
import type { ExchangeView } from "./state.js";

type Ctx = Context<NodeServices>;

const FINISHED_WITHOUT_GOODS = new Set(["rejected", "lapsed", "cancelled"]);

export async function reconcile(ctx: Ctx, uri: string): Promise<void> {
  const row = findExchange(ctx.data.db, uri);
  if (!row) return;
  const me = selfUri(ctx);
  const view = viewOf(ctx.data.db, uri, new Date());
  if (!view.proposal) return;
  if (row.proposer === me) await asProposer(ctx, row, view);
  if (row.supplier === me) await asSupplier(ctx, row, view);
  if (row.receiver === me) await asReceiver(ctx, row, view);
}

async function asProposer(ctx: Ctx, row: ExchangeRow, view: ExchangeView): Promise<void> {
  if (view.status === "cancelled") return cancelHauls(ctx, row.uri);
  if (view.status === "proposed" && view.acceptedQuantity !== null && view.agreedQuantity === null) {
    await emitExchangeEvent(ctx, row, { id: newEventId(ctx), at: new Date().toISOString(), kind: "agreed", quantity: view.acceptedQuantity });
    view = viewOf(ctx.data.db, row.uri, new Date());
  }
  // Legs are asked for (and asked for again when nobody could take them) until goods reach the receiver.
  if ((view.status !== "agreed" && view.status !== "in_transit") || view.agreedQuantity === null) return;
  await serveLegs(ctx, row, view, view.agreedQuantity);
  if (!row.haulsRequested) setFlags(ctx.data.db, row.uri, { haulsRequested: true });
}

async function asSupplier(ctx: Ctx, row: ExchangeRow, view: ExchangeView): Promise<void> {
  const { db } = ctx.data;
  if (FINISHED_WITHOUT_GOODS.has(view.status)) {
    endReservation(db, row.uri, "released");
    return;
  }
  // The receiver may have accepted less: the promise shrinks to what was agreed.
  const agreed = view.agreedQuantity ?? view.acceptedQuantity;
  const held = findReservation(db, row.uri);
  if (agreed !== null && held?.status === "active" && agreed < held.quantity) reserve(db, row.uri, row.offerUri, agreed, Infinity);
  if (view.pickedUp === null || row.offerApplied) return;
  const pickedUp = view.pickedUp;
  await lowerOwnItem(ctx, row.offerUri, pickedUp, `picked up for exchange ${row.uri}`, (d) => {
    if (findExchange(d, row.uri)?.offerApplied) return false;
    setFlags(d, row.uri, { offerApplied: true });
    endReservation(d, row.uri, "used");
    recordGoodsFlow(d, { direction: "outflow", resource: view.proposal!.resource, quantity: pickedUp, unit: row.unit, exchange: row.uri, counterpart: row.receiver });
    return true;
  });
}

async function asReceiver(ctx: Ctx, row: ExchangeRow, view: ExchangeView): Promise<void> {
  if (view.received === null || row.needApplied) return;
  const received = view.received;
  await lowerOwnItem(ctx, row.needUri, received, `received in exchange ${row.uri}`, (d) => {
    if (findExchange(d, row.uri)?.needApplied) return false;
    setFlags(d, row.uri, { needApplied: true });
    recordGoodsFlow(d, { direction: "inflow", resource: view.proposal!.resource, quantity: received, unit: row.unit, exchange: row.uri, counterpart: row.supplier });
    return true;
  });
}

/**
 * Lowers one of our offers or needs by `by` through supply's own update path
 * (history row + Update, or Delete when nothing is left), together with
 * `alongside` in the same transaction. An item that is not ours or gone
 * still gets `alongside` (the ledger and flags must not wait on it).
 */
async function lowerOwnItem(ctx: Ctx, itemUri: string, by: number, reason: string, alongside: (db: Db) => boolean): Promise<void> {
  const { db, config } = ctx.data;
  const prefix = new URL("/supply/", config.origin).href;
  const before = itemUri.startsWith(prefix) ? findItem(db, itemUri.slice(prefix.length)) : undefined;
  const kind = before ? findKindById(db, before.resourceId) : undefined;
  if (!before || !kind || before.status !== "active") {
    commitWithActivities(ctx.data, () => void alongside(db));
    return;
  }
  const left = Math.max(0, Math.round((before.quantity - by) * 1e6) / 1e6);
  const after = changedItemRow(before, left > 0 ? { fields: { ...fieldsOf(before), quantity: left } } : { status: "withdrawn" }, Date.now());
  const prepared: PreparedActivity[] = await prepareSupplyActivities(ctx, left > 0 ? "update" : "delete", after, kind);
  commitWithActivities(ctx.data, (emit) => {
    if (!alongside(db)) return;
    if (!saveChange(db, before, after, "exchange", reason)) throw new Error(`${itemUri} changed meanwhile`);
    for (const activity of prepared) emit(activity);
  });
}

/**
 * A cancelled exchange frees the drivers too: the proposer, who requested its
 * hauls, cancels those not picked up yet, which releases the capacity they
 * hold on the drivers' nodes. Hauls already cancelled are skipped, so this
 * runs as often as reconcile does.
 */
async function cancelHauls(ctx: Ctx, exchangeUri: string): Promise<void> {
  const deps = { services: ctx.data, context: () => ctx };
  for (const haul of listHauls(ctx.data.db)) {
    if (haul.reason !== exchangeUri || (haul.status !== "open" && haul.status !== "accepted")) continue;
    await haulStep(deps, haul, { type: "cancel" }, ctx.data.config.handle).catch((err: unknown) =>
      ctx.data.log.warn({ err, haul: haul.uri }, "could not cancel the haul of a cancelled exchange"),
    );
  }
}
