/**
 * Haul steps become exchange events: a haul whose `reason` is an exchange we
 * know moves that exchange along (accepted, picked up, handed over,
 * delivered, received). Every party gets the same haul activity, so each
 * derives the same event id from it.
 */
import type { Db } from "../db/client.js";
import type { HaulRow } from "../db/schema/transport.js";
import type { HaulStep } from "../transport/haul-observers.js";
import type { ExchangeEvent } from "./state.js";
import { addEvent, findExchange, viewOf } from "./store.js";

/** A haul we or a peer asked for to carry one of an exchange's legs (its reason names an exchange we know). */
export function isExchangeLeg(db: Db, haul: Pick<HaulRow, "reason">): boolean {
  return haul.reason !== null && findExchange(db, haul.reason) !== undefined;
}

export function exchangeEventOfHaul(db: Db, step: HaulStep, at: string): { exchange: string; event: ExchangeEvent } | null {
  const { haul, event } = step;
  const exchange = haul.reason ? findExchange(db, haul.reason) : undefined;
  if (!exchange) return null;
  const facts = viewOf(db, exchange.uri, new Date()).proposal;
  const leg = facts?.legs.find((l) => l.from === haul.fromUri && l.to === haul.toUri);
  const id = `${step.activityId}#exchange`;
  const base = { id, at };
  switch (event.type) {
    case "accept":
      return leg ? { exchange: exchange.uri, event: { ...base, kind: "haulAccepted", leg: leg.id, driver: step.actor, departure: event.departure ?? "" } } : null;
    case "decline":
      return leg ? { exchange: exchange.uri, event: { ...base, kind: "haulDeclined", leg: leg.id, driver: step.actor, reason: "declined by the driver", haul: haul.uri } } : null;
    case "withdraw":
      return leg ? { exchange: exchange.uri, event: { ...base, kind: "haulDeclined", leg: leg.id, driver: step.actor, reason: "withdrawn by the driver", haul: haul.uri } } : null;
    case "picked_up":
      return haul.fromUri === exchange.supplier
        ? { exchange: exchange.uri, event: { ...base, kind: "pickedUp", quantity: event.quantity } }
        : { exchange: exchange.uri, event: { ...base, kind: "handedOver", stop: haul.fromUri, quantity: event.quantity } };
    case "handed_over":
      return { exchange: exchange.uri, event: { ...base, kind: "handedOver", stop: event.stop, quantity: haul.pickedUp ?? haul.quantity } };
    case "delivered":
      return haul.toUri === exchange.receiver
        ? { exchange: exchange.uri, event: { ...base, kind: "delivered", quantity: event.quantity } }
        : { exchange: exchange.uri, event: { ...base, kind: "handedOver", stop: haul.toUri, quantity: event.quantity } };
    case "received":
      return haul.toUri === exchange.receiver ? { exchange: exchange.uri, event: { ...base, kind: "received", quantity: event.quantity } } : null;
    case "cancel":
      // The requester cancelled because the driver's departure was withdrawn: that driver no longer has the leg.
      return leg && event.departureGone === true && haul.driverUri
        ? { exchange: exchange.uri, event: { ...base, kind: "haulDeclined", leg: leg.id, driver: haul.driverUri, reason: "the driver's departure was withdrawn", haul: haul.uri } }
        : null;
    default:
      return null;
  }
}

/** Inside the haul step's transaction: record the exchange event (once). */
export function recordHaulStep(db: Db, step: HaulStep): string | null {
  const mapped = exchangeEventOfHaul(db, step, new Date().toISOString());
  if (!mapped) return null;
  addEvent(db, mapped.exchange, step.actor, mapped.event);
  return mapped.exchange;
}
