/**
 * A planned exchange as every party sees it, derived from the set of events
 * that party has received. The events are sorted into one canonical order
 * (time, then id) and duplicates are dropped before folding, so parties that
 * received the same events — in any order, any number of times — derive the
 * same state. Nothing here knows about HTTP, storage or ActivityPub.
 */

export type Party = "supplier" | "receiver";

export interface ProposalFacts {
  readonly supplier: string;
  readonly receiver: string;
  readonly resource: string;
  readonly quantity: number;
  readonly legs: readonly {
    readonly id: string;
    readonly from: string;
    readonly to: string;
    readonly driver?: string;
  }[];
  /** ISO-8601; answers after it do not count, and an unanswered proposal lapses. */
  readonly deadline: string;
  readonly digest: string;
  readonly plannerVersion: string;
}

interface Base {
  /** Unique per event (the activity id on the wire). */
  readonly id: string;
  /** ISO-8601 instant the sender stamped. */
  readonly at: string;
}

export type ExchangeEvent = Base &
  (
    | { readonly kind: "proposed"; readonly proposal: ProposalFacts }
    | {
        readonly kind: "answered";
        readonly party: Party;
        readonly answer: "accept" | "reject";
        /** For an accept: the quantity accepted (≤ proposed); absent means all of it. */
        readonly quantity?: number;
        readonly reason?: string;
      }
    | { readonly kind: "agreed"; readonly quantity: number }
    | { readonly kind: "haulAccepted"; readonly leg: string; readonly driver: string; readonly departure: string }
    | {
        readonly kind: "haulDeclined";
        readonly leg: string;
        readonly driver: string;
        readonly reason?: string;
        /** The haul request declined (absent in events recorded before legs could be asked for again). */
        readonly haul?: string;
      }
    /** The proposer asked drivers (again) to carry a leg: attempt 1 is the first request. */
    | { readonly kind: "legRequested"; readonly leg: string; readonly attempt: number; readonly haul: string }
    /** The proposer found nobody to carry a leg (all declined, the window passed, no departure): visible, not silent. */
    | { readonly kind: "legUnserved"; readonly leg: string; readonly attempt: number; readonly reason: string }
    | { readonly kind: "pickedUp"; readonly quantity: number }
    | { readonly kind: "handedOver"; readonly stop: string; readonly quantity: number }
    | { readonly kind: "delivered"; readonly quantity: number }
    | { readonly kind: "received"; readonly quantity: number }
    | { readonly kind: "cancelled"; readonly by: string; readonly reason: string }
  );

export type ExchangeStatus =
  | "proposed"
  | "agreed"
  | "in_transit"
  | "delivered"
  | "received"
  | "rejected"
  | "lapsed"
  | "cancelled";

export interface AnswerView {
  readonly answer: "accept" | "reject";
  readonly quantity: number | null;
  readonly reason: string | null;
  readonly at: string;
}

export interface LegView {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly driver: string | null;
  readonly departure: string | null;
  /** Drivers who declined this leg; re-planning picks another. */
  readonly declinedBy: readonly string[];
  /** How many times the proposer asked drivers for this leg (0 before the agreement). */
  readonly attempts: number;
  /** Why nobody carries the leg, until a driver takes it or it is asked for again; null otherwise. */
  readonly unserved: string | null;
}

export interface ExchangeView {
  readonly status: ExchangeStatus;
  readonly proposal: ProposalFacts | null;
  readonly answers: { readonly supplier: AnswerView | null; readonly receiver: AnswerView | null };
  /** What both parties accepted: the smaller of their quantities. */
  readonly acceptedQuantity: number | null;
  readonly agreedQuantity: number | null;
  readonly legs: readonly LegView[];
  readonly pickedUp: number | null;
  readonly handedOver: readonly { readonly stop: string; readonly quantity: number }[];
  readonly delivered: number | null;
  readonly received: number | null;
  /** Agreed minus received, once received: recorded, never hidden. */
  readonly shortfall: number | null;
  readonly cancelled: { readonly by: string; readonly reason: string } | null;
  /** Events that were not applied, and why (late answers, answers by nobody, …). */
  readonly ignored: readonly { readonly id: string; readonly why: string }[];
}

/** Canonical order: by time, then id. Duplicated ids count once. */
export function canonicalEvents(events: readonly ExchangeEvent[]): ExchangeEvent[] {
  const byId = new Map<string, ExchangeEvent>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => (a.at === b.at ? cmp(a.id, b.id) : cmp(a.at, b.at)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function deriveExchange(events: readonly ExchangeEvent[], now: Date): ExchangeView {
  const ordered = canonicalEvents(events);
  const proposed = ordered.find((e) => e.kind === "proposed");
  const proposal = proposed?.kind === "proposed" ? proposed.proposal : null;
  const ignored: { id: string; why: string }[] = [];
  const answers: { supplier: AnswerView | null; receiver: AnswerView | null } = { supplier: null, receiver: null };
  const legs = new Map<
    string,
    {
      id: string;
      from: string;
      to: string;
      driver: string | null;
      departure: string | null;
      declinedBy: string[];
      attempts: number;
      unserved: string | null;
    }
  >();
  for (const l of proposal?.legs ?? []) {
    legs.set(l.id, {
      id: l.id,
      from: l.from,
      to: l.to,
      driver: null,
      departure: null,
      declinedBy: [],
      attempts: 0,
      unserved: null,
    });
  }
  let agreedQuantity: number | null = null;
  let pickedUp: number | null = null;
  let delivered: number | null = null;
  let received: number | null = null;
  const handedOver: { stop: string; quantity: number }[] = [];
  let cancelled: { by: string; reason: string } | null = null;

  for (const e of ordered) {
    if (e.kind === "proposed") continue;
    if (!proposal) {
      ignored.push({ id: e.id, why: "no proposal known" });
      continue;
    }
    switch (e.kind) {
      case "answered": {
        if (e.at > proposal.deadline) {
          ignored.push({ id: e.id, why: "answered after the deadline" });
          break;
        }
        if (e.quantity !== undefined && !(e.quantity > 0 && e.quantity <= proposal.quantity)) {
          ignored.push({ id: e.id, why: "accepted quantity outside (0, proposed]" });
          break;
        }
        const previous = answers[e.party];
        // A reject is final; between accepts, the smaller quantity binds.
        if (previous?.answer === "reject") break;
        const quantity = e.answer === "accept" ? (e.quantity ?? proposal.quantity) : null;
        answers[e.party] = {
          answer: e.answer,
          quantity: previous?.quantity != null && quantity !== null ? Math.min(previous.quantity, quantity) : quantity,
          reason: e.reason ?? null,
          at: e.at,
        };
        break;
      }
      case "agreed":
        agreedQuantity = agreedQuantity === null ? e.quantity : Math.min(agreedQuantity, e.quantity);
        break;
      case "haulAccepted": {
        const leg = legs.get(e.leg);
        if (!leg) ignored.push({ id: e.id, why: `no leg ${e.leg}` });
        else {
          leg.driver = e.driver;
          leg.departure = e.departure;
          leg.unserved = null;
        }
        break;
      }
      case "legRequested": {
        const leg = legs.get(e.leg);
        if (!leg) ignored.push({ id: e.id, why: `no leg ${e.leg}` });
        else {
          leg.attempts = Math.max(leg.attempts, e.attempt);
          if (e.attempt >= leg.attempts) leg.unserved = null;
        }
        break;
      }
      case "legUnserved": {
        const leg = legs.get(e.leg);
        if (!leg) ignored.push({ id: e.id, why: `no leg ${e.leg}` });
        // Only about the latest request: a later attempt (or a driver) supersedes it.
        else if (e.attempt >= leg.attempts && leg.driver === null) leg.unserved = e.reason;
        break;
      }
      case "haulDeclined": {
        const leg = legs.get(e.leg);
        if (!leg) ignored.push({ id: e.id, why: `no leg ${e.leg}` });
        else {
          if (!leg.declinedBy.includes(e.driver)) leg.declinedBy.push(e.driver);
          if (leg.driver === e.driver) {
            leg.driver = null;
            leg.departure = null;
          }
        }
        break;
      }
      case "pickedUp":
        pickedUp = e.quantity;
        break;
      case "handedOver":
        handedOver.push({ stop: e.stop, quantity: e.quantity });
        break;
      case "delivered":
        delivered = e.quantity;
        break;
      case "received":
        received = e.quantity;
        break;
      case "cancelled":
        cancelled ??= { by: e.by, reason: e.reason };
        break;
    }
  }

  const s = answers.supplier;
  const r = answers.receiver;
  const acceptedQuantity =
    s?.answer === "accept" && r?.answer === "accept" ? Math.min(s.quantity ?? Infinity, r.quantity ?? Infinity) : null;
  const status = statusOf({
    proposal,
    now,
    rejected: s?.answer === "reject" || r?.answer === "reject",
    bothAccepted: acceptedQuantity !== null,
    agreed: agreedQuantity !== null,
    pickedUp: pickedUp !== null || handedOver.length > 0,
    delivered: delivered !== null,
    received: received !== null,
    cancelled: cancelled !== null,
  });
  const agreedOrAccepted = agreedQuantity ?? acceptedQuantity;
  return {
    status,
    proposal,
    answers,
    acceptedQuantity,
    agreedQuantity,
    legs: [...legs.values()],
    pickedUp,
    handedOver,
    delivered,
    received,
    shortfall: received !== null && agreedOrAccepted !== null ? round(agreedOrAccepted - received) : null,
    cancelled,
    ignored,
  };
}

function statusOf(f: {
  proposal: ProposalFacts | null;
  now: Date;
  rejected: boolean;
  bothAccepted: boolean;
  agreed: boolean;
  pickedUp: boolean;
  delivered: boolean;
  received: boolean;
  cancelled: boolean;
}): ExchangeStatus {
  // Receipt is a fact about goods that moved: it outranks a late cancel.
  if (f.received) return "received";
  if (f.cancelled) return "cancelled";
  if (f.delivered) return "delivered";
  if (f.pickedUp) return "in_transit";
  if (f.agreed) return "agreed";
  if (f.rejected) return "rejected";
  if (f.proposal && !f.bothAccepted && f.now.toISOString() > f.proposal.deadline) return "lapsed";
  return "proposed";
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Whether a party may still answer: the proposal is open and the deadline not passed. */
export function canAnswer(view: ExchangeView, now: Date): boolean {
  return view.status === "proposed" && view.proposal !== null && now.toISOString() <= view.proposal.deadline;
}
