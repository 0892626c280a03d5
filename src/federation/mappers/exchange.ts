/**
 * Exchange events on the wire. Every exchange activity carries the exchange
 * URI in `context` and the event itself in a PropertyValue attachment named
 * `tendril:exchange` (Fedify drops unknown terms; a PropertyValue survives).
 * The standard parts (Agreement, Commitment, Measure, content) are there so
 * other software can show what is going on.
 */
import { Accept, type Activity, Agreement, Commitment, Create, Measure, Offer, PropertyValue, Reject, Undo, Update } from "@fedify/vocab";
import { parseDecimal } from "@fedify/vocab-runtime";
import { Temporal } from "@js-temporal/polyfill";
import type { ExchangeEvent, ProposalFacts } from "../../exchange/state.js";
import { escapeHtml } from "../../web/html.js";
import { attachmentValue } from "./route.js";

export const EXCHANGE_ATTACHMENT = "tendril:exchange";

export interface WireParty {
  readonly id: string;
  readonly inbox: string;
  readonly sharedInbox: string | null;
}

/** What a party needs to record an exchange it hears of for the first time. */
export interface ExchangeSetup {
  readonly round: string;
  readonly proposer: string;
  readonly supplier: string;
  readonly receiver: string;
  readonly offer: string;
  readonly need: string;
  readonly unit: string;
  readonly kgPerUnit: number;
  readonly parties: readonly WireParty[];
}

export interface ExchangeMessage {
  readonly exchange: string;
  readonly event: ExchangeEvent;
  readonly setup?: ExchangeSetup;
}

function describe(m: ExchangeMessage, facts: ProposalFacts | null): string {
  const e = m.event;
  const what = facts ? `${facts.quantity} ${m.setup?.unit ?? ""} of ${facts.resource} from ${facts.supplier} to ${facts.receiver}` : m.exchange;
  switch (e.kind) {
    case "proposed":
      return `Proposed exchange: ${what}. Please answer by ${facts?.deadline}.`;
    case "answered":
      return e.answer === "accept"
        ? `The ${e.party} accepts${e.quantity !== undefined ? ` ${e.quantity}` : ""}.`
        : `The ${e.party} rejects: ${e.reason ?? "no reason given"}.`;
    case "agreed":
      return `Agreement: ${e.quantity} will be provided, carried and received.`;
    case "cancelled":
      return `Exchange cancelled: ${e.reason}`;
    case "legRequested":
      return e.attempt > 1 ? `The leg ${e.leg} is asked for again (request ${e.attempt}).` : `Drivers are asked to carry the leg ${e.leg}.`;
    case "legUnserved":
      return `Nobody carries the leg ${e.leg} yet: ${e.reason}`;
    default:
      return `Exchange event: ${e.kind}`;
  }
}

/** The Agreement object: the proposal's commitment (supplier provides `quantity`, satisfying the need). */
export function toAgreement(exchange: string, facts: ProposalFacts, setup: ExchangeSetup, quantity: number, summary: string): Agreement {
  return new Agreement({
    id: new URL(exchange),
    name: `Exchange: ${quantity} ${setup.unit} of ${facts.resource}`,
    content: `<p>${escapeHtml(summary)}</p>`,
    attribution: new URL(setup.proposer),
    endTime: Temporal.Instant.from(facts.deadline),
    contexts: [new URL(setup.round)],
    stipulates: new Commitment({
      satisfies: new URL(setup.need),
      resourceQuantity: new Measure({ unit: setup.unit, numericalValue: parseDecimal(String(quantity)) }),
    }),
  });
}

/**
 * row → AP: one exchange event as an activity. proposed → Offer{Agreement};
 * answered → Accept/Reject of the exchange; agreed → Create{Agreement};
 * cancelled → Undo of the exchange; legRequested/legUnserved (the
 * proposer's news about who carries a leg) → Update of the exchange.
 */
export function toExchangeActivity(
  m: ExchangeMessage,
  ids: { activity: URL; actor: URL; recipients: readonly string[] },
  facts: ProposalFacts | null,
  setup: ExchangeSetup | null,
): Activity {
  const text = describe(m, facts);
  const common = {
    id: ids.activity,
    actor: ids.actor,
    tos: ids.recipients.map((r) => new URL(r)),
    contexts: [new URL(m.exchange)],
    content: `<p>${escapeHtml(text)}</p>`,
    published: Temporal.Instant.from(m.event.at),
    attachments: [new PropertyValue({ name: EXCHANGE_ATTACHMENT, value: JSON.stringify(m) })],
  };
  const e = m.event;
  if (e.kind === "proposed" && setup) return new Offer({ ...common, object: toAgreement(m.exchange, e.proposal, setup, e.proposal.quantity, text) });
  if (e.kind === "agreed" && facts && setup) return new Create({ ...common, object: toAgreement(m.exchange, facts, setup, e.quantity, text) });
  if (e.kind === "answered" && e.answer === "reject") return new Reject({ ...common, object: new URL(m.exchange) });
  if (e.kind === "answered") return new Accept({ ...common, object: new URL(m.exchange) });
  if (e.kind === "cancelled") return new Undo({ ...common, object: new URL(m.exchange) });
  if (e.kind === "legRequested" || e.kind === "legUnserved") return new Update({ ...common, object: new URL(m.exchange) });
  throw new Error(`no wire form for exchange event ${e.kind}`);
}

/** AP → message: the exchange event an activity carries, or null when it carries none (or a malformed one). */
export async function exchangeMessageOf(activity: Activity): Promise<ExchangeMessage | null> {
  const raw = await attachmentValue(activity, EXCHANGE_ATTACHMENT);
  if (raw === null) return null;
  try {
    const m = JSON.parse(raw) as ExchangeMessage;
    if (typeof m.exchange !== "string" || typeof m.event?.id !== "string" || typeof m.event.kind !== "string" || typeof m.event.at !== "string") return null;
    if (m.event.kind === "proposed" && (!m.setup || !Array.isArray(m.setup.parties) || typeof m.event.proposal?.supplier !== "string")) return null;
    if (!activity.contextIds.some((u) => u.href === m.exchange)) return null;
    return m;
  } catch {
    return null;
  }
}
