/**
 * Offers and needs on the wire (FEP-0837): row → Proposal (`toProposal`) and
 * Proposal → network-view fields (`fromProposal`). Pure apart from reading
 * embedded values; nothing here touches the database.
 */
import { Measure, PropertyValue, PUBLIC_COLLECTION, Place, Proposal, Intent } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { ResourceKindRow, SupplyItemRow } from "../../db/schema/supply.js";
import { isCategory } from "../../supply/resources.js";
import { checkPriority, checkQuantity, type ItemKind } from "../../supply/items.js";
import type { ReceivedItem } from "../../supply/view-store.js";
import { escapeHtml } from "../../web/html.js";

type Decimal = NonNullable<ConstructorParameters<typeof Measure>[0]["numericalValue"]>;

const PURPOSE: Record<ItemKind, string> = { offer: "offer", need: "request" };

export interface ProposalLinks {
  readonly objectUri: URL;
  readonly actorUri: URL;
  readonly followersUri: URL;
}

/** A quantity as text without float noise (0.1 + 0.2 style) and without exponent notation. */
export function formatQuantity(q: number): string {
  return String(Number(q.toPrecision(12)));
}

function day(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** The one-line human title, e.g. "Offer: 120 kg of Potatoes". */
export function itemTitle(kind: ItemKind, quantity: number, unit: string, resource: string): string {
  return `${kind === "offer" ? "Offer" : "Need"}: ${formatQuantity(quantity)} ${unit} of ${resource}`;
}

/** The HTML body Mastodon-style readers show: what, how much, when, where. */
export function itemContent(item: SupplyItemRow, resource: ResourceKindRow): string {
  const qty = `${formatQuantity(item.quantity)} ${resource.unit}`;
  const lines =
    item.kind === "offer"
      ? [
          `<p>We can give <strong>${escapeHtml(qty)}</strong> of ${escapeHtml(resource.name)} (${escapeHtml(resource.category)}).</p>`,
          `<p>Available from ${day(item.windowStart ?? item.windowEnd)} until ${day(item.windowEnd)}; pickup at ${escapeHtml(item.locationName)}.</p>`,
        ]
      : [
          `<p>We need <strong>${escapeHtml(qty)}</strong> of ${escapeHtml(resource.name)} (${escapeHtml(resource.category)}), priority ${escapeHtml(item.priority ?? "ordinary")}.</p>`,
          `<p>Needed by ${day(item.windowEnd)}; delivery to ${escapeHtml(item.locationName)}.</p>`,
        ];
  if (item.notes) lines.push(`<p>${escapeHtml(item.notes)}</p>`);
  return lines.join("");
}

export function toProposal(item: SupplyItemRow, resource: ResourceKindRow, links: ProposalLinks): Proposal {
  const measure = new Measure({ unit: resource.unit, numericalValue: formatQuantity(item.quantity) as Decimal });
  const attachments = [
    new PropertyValue({ name: "resource", value: resource.name }),
    new PropertyValue({ name: "category", value: resource.category }),
    new PropertyValue({ name: "kgPerUnit", value: String(resource.kgPerUnit) }),
  ];
  if (item.kind === "need")
    attachments.push(new PropertyValue({ name: "priority", value: item.priority ?? "ordinary" }));
  const title = itemTitle(item.kind, item.quantity, resource.unit, resource.name);
  return new Proposal({
    id: links.objectUri,
    url: links.objectUri,
    attribution: links.actorUri,
    to: PUBLIC_COLLECTION,
    cc: links.followersUri,
    purpose: PURPOSE[item.kind],
    unitBased: false,
    publishes: new Intent({
      action: "transfer",
      resourceConformsTo: new URL(resource.uri),
      ...(item.kind === "offer" ? { availableQuantity: measure } : { resourceQuantity: measure }),
    }),
    name: title,
    summary: title,
    content: itemContent(item, resource),
    startTime: item.windowStart === null ? null : Temporal.Instant.fromEpochMilliseconds(item.windowStart),
    endTime: Temporal.Instant.fromEpochMilliseconds(item.windowEnd),
    location: new Place({ name: item.locationName || null, latitude: item.lat, longitude: item.lon }),
    attachments,
    published: Temporal.Instant.fromEpochMilliseconds(item.createdAt),
    updated: Temporal.Instant.fromEpochMilliseconds(item.version),
  });
}

/** What the network view stores of a remote offer or need (provenance is added by the caller). */
export type RemoteItem = ReceivedItem;

export type FromProposal = { ok: true; item: RemoteItem } | { ok: false; reason: string };

const loaderless = { crossOrigin: "ignore" as const };

/**
 * Reads a remote Proposal into the view's shape, or says why it cannot be
 * stored. Only embedded values are read (no fetching), so a malformed object
 * is refused instead of chased around the network.
 */
export async function fromProposal(p: Proposal): Promise<FromProposal> {
  if (p.id === null) return { ok: false, reason: "the object has no id" };
  const actor = p.attributionId;
  if (actor === null) return { ok: false, reason: "the object has no attributedTo" };
  const kind: ItemKind | null = p.purpose === "offer" ? "offer" : p.purpose === "request" ? "need" : null;
  if (kind === null) return { ok: false, reason: `purpose must be offer or request, got ${p.purpose}` };
  const intent = p.publishes;
  if (intent === null || intent.resourceConformsTo === null)
    return { ok: false, reason: "publishes.resourceConformsTo is missing" };
  const measure = kind === "offer" ? (intent.availableQuantity ?? intent.resourceQuantity) : intent.resourceQuantity;
  if (measure === null || measure.unit === null || measure.numericalValue === null) {
    return { ok: false, reason: "the Intent has no quantity with a unit" };
  }
  const quantity = Number(measure.numericalValue);
  if (checkQuantity(quantity))
    return { ok: false, reason: `quantity ${measure.numericalValue} is not a positive finite number` };
  if (p.endTime === null) return { ok: false, reason: "endTime is missing" };
  const windowEnd = p.endTime.epochMilliseconds;
  const windowStart = p.startTime?.epochMilliseconds ?? null;
  if (windowStart !== null && windowEnd <= windowStart) return { ok: false, reason: "endTime is not after startTime" };
  const props = new Map<string, string>();
  for await (const a of p.getAttachments(loaderless)) {
    if (a instanceof PropertyValue && a.name !== null && a.value !== null)
      props.set(a.name.toString(), a.value.toString());
  }
  const category = props.get("category") ?? "";
  if (!isCategory(category)) return { ok: false, reason: `category "${category}" is not known` };
  const priority = kind === "need" ? (props.get("priority") ?? "ordinary") : null;
  if (priority !== null && !checkPriority(priority))
    return { ok: false, reason: `priority "${priority}" is not known` };
  const location = await p.getLocation(loaderless).catch(() => null);
  const place = location instanceof Place ? location : null;
  const lat = place?.latitude ?? null;
  const lon = place?.longitude ?? null;
  if ((lat !== null && (lat < -90 || lat > 90)) || (lon !== null && (lon < -180 || lon > 180))) {
    return { ok: false, reason: "location is outside the globe" };
  }
  const version = (p.updated ?? p.published)?.epochMilliseconds;
  if (version === undefined) return { ok: false, reason: "neither updated nor published is set" };
  return {
    ok: true,
    item: {
      objectUri: p.id.href,
      actorUri: actor.href,
      kind,
      resourceUri: intent.resourceConformsTo.href,
      resourceName: props.get("resource") ?? intent.resourceConformsTo.href,
      category,
      unit: measure.unit,
      quantity,
      windowStart,
      windowEnd,
      priority,
      lat,
      lon,
      locationName: place?.name?.toString() ?? null,
      name: p.name?.toString() ?? "",
      version,
    },
  };
}
