import type { InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { inTransaction } from "../../db/client.js";
import { reconcile } from "../../exchange/reconcile.js";
import { rowOfSetup } from "../../exchange/publish.js";
import { addEvent, findExchange, insertExchange } from "../../exchange/store.js";
import type { ExchangeRow } from "../../db/schema/exchange.js";
import type { NodeServices } from "../context.js";
import { type ExchangeMessage, exchangeMessageOf } from "../mappers/exchange.js";
import { markProcessed } from "./log.js";

type Ctx = InboxContext<NodeServices>;

/**
 * Any activity carrying an exchange event (Offer, Accept, Reject, Create,
 * Undo). Only the party entitled to an event may make it; each event is
 * stored once by its id, and the state is derived from the set, so
 * duplicated, reordered or late messages converge. Returns false when the
 * activity is not about an exchange.
 */
export async function onExchangeActivity(ctx: Ctx, activity: Activity): Promise<boolean> {
  const m = await exchangeMessageOf(activity);
  if (m === null) return false;
  const { db, log } = ctx.data;
  if (activity.id === null || activity.actorId === null) return true;
  const actor = activity.actorId.href;
  const known = findExchange(db, m.exchange);
  const why = refusal(m, actor, known);
  if (why) {
    log.warn({ activity: activity.id.href, actor, why }, "ignored an exchange event");
    return true;
  }
  inTransaction(ctx.data.sqlite, () => {
    if (!markProcessed(db, { id: activity.id!.href, actor, type: `Exchange:${m.event.kind}` })) return;
    if (!known && m.setup) insertExchange(db, rowOfSetup(m.exchange, m.setup));
    addEvent(db, m.exchange, actor, m.event);
  });
  await reconcile(ctx, m.exchange);
  return true;
}

/** Why an event may not be applied, or null when its sender is entitled to it. */
export function refusal(m: ExchangeMessage, actor: string, known: ExchangeRow | undefined): string | null {
  const setup = m.setup;
  const proposer = known?.proposer ?? setup?.proposer;
  if (!proposer || new URL(proposer).origin !== new URL(m.exchange).origin) return "the exchange is not its proposer's";
  const supplier = known?.supplier ?? setup?.supplier;
  const receiver = known?.receiver ?? setup?.receiver;
  if (!known && !setup) return "unknown exchange";
  if (!known && m.event.kind !== "proposed" && actor !== proposer) return "an exchange is first heard of from its proposer";
  const e = m.event;
  switch (e.kind) {
    case "proposed":
      return actor === proposer ? null : "only the proposer proposes";
    case "agreed":
      return actor === proposer ? null : "only the proposer publishes the agreement";
    case "legRequested":
    case "legUnserved":
      return actor === proposer ? null : "only the proposer asks drivers for the legs";
    case "answered":
      if (e.party === "supplier" && actor === supplier) return null;
      if (e.party === "receiver" && actor === receiver) return null;
      return `${actor} is not the ${e.party} of this exchange`;
    case "cancelled":
      return [proposer, supplier, receiver].includes(actor) ? null : `${actor} is not a party to this exchange`;
    default:
      return `${e.kind} travels as a haul step, not as an exchange message`;
  }
}

