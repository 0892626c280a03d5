import { Accept, Create, Intent, Measure, Note, Offer, Proposal, PropertyValue } from "@fedify/vocab";
import { parseDecimal } from "@fedify/vocab-runtime";
import { Temporal } from "@js-temporal/polyfill";
import type { HaulRow } from "../../db/schema/transport.js";
import { isHttpUrl } from "../../lib/url.js";
import { HAUL_STATUSES, type HaulEvent, type HaulStatus } from "../../transport/hauls.js";
import { escapeHtml } from "../../web/html.js";
import { attachmentValue, DELIVER_SERVICE } from "./route.js";

export const HAUL_ATTACHMENT = "tendril:haul";
export const HAUL_EVENT_ATTACHMENT = "tendril:haulEvent";

/** The facts of a haul request, as carried in its Proposal's attachment. */
export interface HaulPayload {
  readonly from: string;
  readonly to: string;
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  readonly weightKg: number;
  readonly volumeM3: number;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly reason: string | null;
  /** Candidate drivers and the communities concerned, with their inboxes so every party can address the others. */
  readonly drivers: readonly Party[];
  readonly parties: readonly Party[];
  /** Present when the haul is one segment of a way that needs several drivers. */
  readonly chain?: ChainLink;
  /**
   * Where the request stands, present only when it is no longer open: a
   * request re-sent after a re-plan (to add the new next segment's drivers as
   * parties) tells a node that first hears of it how far it got.
   */
  readonly state?: HaulCopyState;
}

export interface HaulCopyState {
  readonly status: HaulStatus;
  readonly driver: string | null;
  readonly departure: string | null;
  readonly pickedUp: number | null;
  readonly delivered: number | null;
  readonly handedOver: readonly string[];
}

/** Where a segment haul sits in its chain (index from 0, in driving order). */
export interface ChainLink {
  readonly uri: string;
  readonly index: number;
  readonly length: number;
}

export interface Party {
  readonly id: string;
  readonly inbox: string;
  readonly sharedInbox: string | null;
}

/** A step in a haul's life as it travels: the state machine's event plus where it happened. */
export type HaulEventPayload = HaulEvent & {
  readonly haul: string;
  readonly departure?: string;
  readonly fromLeg?: number;
  readonly toLeg?: number;
  /** On a cancel: the segment was superseded by a re-plan of its chain (not the whole request withdrawn). */
  readonly replanned?: true;
  /** On a replanned cancel of a haul of one departure: the haul (or chain) that replaced it. */
  readonly replacedBy?: string;
  /** On a cancel: the departure it was accepted on was withdrawn; its driver no longer carries it (the requester asks again). */
  readonly departureGone?: true;
};

export function payloadOfHaul(h: HaulRow): HaulPayload {
  return {
    from: h.fromUri,
    to: h.toUri,
    resource: h.resource,
    quantity: h.quantity,
    unit: h.unit,
    weightKg: h.weightKg,
    volumeM3: h.volumeM3,
    windowStart: new Date(h.windowStart).toISOString(),
    windowEnd: new Date(h.windowEnd).toISOString(),
    reason: h.reason,
    drivers: JSON.parse(h.driversJson) as Party[],
    parties: JSON.parse(h.partiesJson) as Party[],
    ...(h.chainUri !== null && h.chainIndex !== null && h.chainLength !== null
      ? { chain: { uri: h.chainUri, index: h.chainIndex, length: h.chainLength } }
      : {}),
    ...(h.status !== "open"
      ? {
          state: {
            status: h.status,
            driver: h.driverUri,
            departure: h.departureUri,
            pickedUp: h.pickedUp,
            delivered: h.delivered,
            handedOver: JSON.parse(h.handedOverJson) as string[],
          },
        }
      : {}),
  };
}

/** "segment 1 of 2, hand-over at B": what a person reading the Offer needs to know about the chain. */
export function chainSummary(h: Pick<HaulRow, "chainIndex" | "chainLength" | "fromUri" | "toUri">): string | null {
  if (h.chainIndex === null || h.chainLength === null) return null;
  const where = [
    h.chainIndex > 0 ? `picked up at ${h.fromUri}` : null,
    h.chainIndex < h.chainLength - 1 ? `hand-over at ${h.toUri}` : null,
  ].filter((x) => x !== null);
  return `segment ${h.chainIndex + 1} of ${h.chainLength}, ${where.join(", ")}`;
}

/** row → AP: a haul request is a Proposal with purpose "request" for a deliverService Intent. */
export function toHaulProposal(h: HaulRow): Proposal {
  const p = payloadOfHaul(h);
  let conformsTo: URL | null = null;
  try {
    conformsTo = new URL(h.resource);
  } catch {
    conformsTo = null;
  }
  return new Proposal({
    id: new URL(h.uri),
    name: `Haul request: ${h.quantity} ${h.unit} of ${h.resource}`,
    content: `<p>${escapeHtml(`${h.quantity} ${h.unit} of ${h.resource} (${h.weightKg} kg) from ${h.fromUri} to ${h.toUri}`)}</p>`,
    attribution: new URL(h.requesterUri),
    purpose: "request",
    publishes: new Intent({
      action: DELIVER_SERVICE,
      resourceConformsTo: conformsTo,
      resourceQuantity: new Measure({ unit: h.unit, numericalValue: parseDecimal(String(h.quantity)) }),
    }),
    startTime: Temporal.Instant.fromEpochMilliseconds(h.windowStart),
    endTime: Temporal.Instant.fromEpochMilliseconds(h.windowEnd),
    contexts: h.reason ? [safeUrl(h.reason)].filter((u): u is URL => u !== null) : [],
    attachments: [new PropertyValue({ name: HAUL_ATTACHMENT, value: JSON.stringify(p) })],
  });
}

/**
 * The haul request sent to the candidate drivers (and the other community,
 * so it knows). A segment of a chain names the chain in the Offer's
 * `context` and says where it stands in `summary`.
 */
export function toHaulOffer(h: HaulRow, activityId: URL, recipients: readonly string[]): Offer {
  return new Offer({
    id: activityId,
    actor: new URL(h.requesterUri),
    object: toHaulProposal(h),
    tos: recipients.map((r) => new URL(r)),
    contexts: h.chainUri ? [new URL(h.chainUri)] : [],
    summary: chainSummary(h),
  });
}

/**
 * AP → the chain link of a received haul Offer: the chain URI from the
 * Offer's `context`, its place from the payload. Null for a one-driver haul
 * or when the two disagree (a malformed Offer is treated as unlinked).
 */
export function chainLinkOf(offer: Offer, p: HaulPayload): ChainLink | null {
  const context = offer.contextIds[0]?.href ?? null;
  const c = p.chain;
  if (!c || context === null || c.uri !== context) return null;
  if (!Number.isInteger(c.index) || !Number.isInteger(c.length) || c.index < 0 || c.index >= c.length) return null;
  return { uri: c.uri, index: c.index, length: c.length };
}

export async function haulPayloadOf(p: Proposal): Promise<HaulPayload | null> {
  if (p.purpose !== "request") return null;
  const raw = await attachmentValue(p, HAUL_ATTACHMENT);
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as HaulPayload;
    if (typeof v.from !== "string" || typeof v.to !== "string" || !(v.weightKg >= 0) || !Array.isArray(v.drivers))
      return null;
    // A state we cannot read is dropped: the copy then starts open, as for any request.
    if (v.state !== undefined && !validState(v.state)) return { ...v, state: undefined };
    return v;
  } catch {
    return null;
  }
}

/** A driver accepting a haul request: Accept of the request, naming the departure in `target`. */
export function toHaulAccept(e: HaulEventPayload, activityId: URL, actor: URL, recipients: readonly string[]): Accept {
  return new Accept({
    id: activityId,
    actor,
    object: new URL(e.haul),
    target: e.departure ? new URL(e.departure) : null,
    content: `<p>Haul accepted on departure ${escapeHtml(e.departure ?? "")}</p>`,
    tos: recipients.map((r) => new URL(r)),
    attachments: [new PropertyValue({ name: HAUL_EVENT_ATTACHMENT, value: JSON.stringify(e) })],
  });
}

/** Any later step (withdrawn, picked up, handed over, delivered, received): a Note replying to the request. */
export function toHaulEventCreate(
  e: HaulEventPayload,
  activityId: URL,
  noteId: URL,
  actor: URL,
  recipients: readonly string[],
): Create {
  const text =
    e.type === "no_way"
      ? "No way left for this haul: nobody can carry a segment of it and no other way was found"
      : e.type === "cancel" && e.departureGone
        ? "Haul cancelled: the departure it was accepted on was withdrawn; other drivers are asked"
        : e.type === "cancel" && e.replanned
          ? `Haul cancelled: it was re-planned on other departures${e.replacedBy ? ", as" : ""}`
          : `Haul ${e.type.replace("_", " ")}${"quantity" in e ? `: ${e.quantity}` : ""}${"stop" in e ? ` at ${e.stop}` : ""}`;
  const replacement =
    e.type === "cancel" && e.replanned && e.replacedBy
      ? ` <a href="${escapeHtml(e.replacedBy)}">${escapeHtml(e.replacedBy)}</a>`
      : "";
  const tos = recipients.map((r) => new URL(r));
  return new Create({
    id: activityId,
    actor,
    tos,
    object: new Note({
      id: noteId,
      attribution: actor,
      replyTarget: new URL(e.haul),
      content: `<p>${escapeHtml(text)}${replacement}</p>`,
      tos,
      attachments: [new PropertyValue({ name: HAUL_EVENT_ATTACHMENT, value: JSON.stringify(e) })],
    }),
  });
}

export async function haulEventOf(object: {
  getAttachments(): AsyncIterable<unknown>;
}): Promise<HaulEventPayload | null> {
  const raw = await attachmentValue(object, HAUL_EVENT_ATTACHMENT);
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as HaulEventPayload;
    if (typeof v.haul !== "string" || typeof v.type !== "string") return null;
    // A pointer we would store and show as a link: only an http(s) URL.
    if (v.replacedBy !== undefined && !(typeof v.replacedBy === "string" && isHttpUrl(v.replacedBy))) {
      const { replacedBy: _dropped, ...rest } = v;
      return rest as HaulEventPayload;
    }
    return v;
  } catch {
    return null;
  }
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function validState(s: HaulCopyState): boolean {
  const num = (x: unknown) => x === null || (typeof x === "number" && x >= 0);
  const str = (x: unknown) => x === null || typeof x === "string";
  return (
    typeof s === "object" &&
    s !== null &&
    HAUL_STATUSES.includes(s.status) &&
    str(s.driver) &&
    str(s.departure) &&
    num(s.pickedUp) &&
    num(s.delivered) &&
    Array.isArray(s.handedOver) &&
    s.handedOver.every((x) => typeof x === "string")
  );
}
