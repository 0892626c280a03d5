import { Accept, Create, Intent, Measure, Note, Offer, Proposal, PropertyValue } from "@fedify/vocab";
import { parseDecimal } from "@fedify/vocab-runtime";
import { Temporal } from "@js-temporal/polyfill";
import type { HaulRow } from "../../db/schema/transport.js";
import type { HaulEvent } from "../../transport/hauls.js";
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
  };
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

/** The haul request sent to the candidate drivers (and the other community, so it knows). */
export function toHaulOffer(h: HaulRow, activityId: URL, recipients: readonly string[]): Offer {
  return new Offer({
    id: activityId,
    actor: new URL(h.requesterUri),
    object: toHaulProposal(h),
    tos: recipients.map((r) => new URL(r)),
  });
}

export async function haulPayloadOf(p: Proposal): Promise<HaulPayload | null> {
  if (p.purpose !== "request") return null;
  const raw = await attachmentValue(p, HAUL_ATTACHMENT);
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as HaulPayload;
    if (typeof v.from !== "string" || typeof v.to !== "string" || !(v.weightKg >= 0) || !Array.isArray(v.drivers))
      return null;
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
  const text = `Haul ${e.type.replace("_", " ")}${"quantity" in e ? `: ${e.quantity}` : ""}${"stop" in e ? ` at ${e.stop}` : ""}`;
  const tos = recipients.map((r) => new URL(r));
  return new Create({
    id: activityId,
    actor,
    tos,
    object: new Note({
      id: noteId,
      attribution: actor,
      replyTarget: new URL(e.haul),
      content: `<p>${escapeHtml(text)}</p>`,
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
    return typeof v.haul === "string" && typeof v.type === "string" ? v : null;
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
