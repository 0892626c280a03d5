import type { LedgerEntry } from "./ledger.js";

/**
 * The public ledger as an ActivityStreams OrderedCollection. Each item carries
 * exactly what the hash covers (seq, entryType, payload, prevHash, hash and
 * `published` = the entry time) so anyone can recompute the chain.
 */

export const LEDGER_CONTEXT = [
  "https://www.w3.org/ns/activitystreams",
  {
    tendril: "https://w3id.org/tendril#",
    seq: "tendril:seq",
    entryType: "tendril:entryType",
    payload: { "@id": "tendril:payload", "@type": "@json" },
    prevHash: "tendril:prevHash",
    hash: "tendril:hash",
    ledgerHead: "tendril:ledgerHead",
  },
];

export function describeEntry(e: LedgerEntry): string {
  const p = e.payload as Record<string, unknown>;
  switch (e.type) {
    case "vote-result":
      return `Vote ${p.vote} “${p.question}”: ${p.outcome} (${p.cast} of ${p.eligible} voted)`;
    case "policy-change":
      return `Policy changed: ${Object.keys((p.changes as object) ?? {}).join(", ")}`;
    case "election":
      return `${p.member} elected coordinator until ${p.until}`;
    case "recall":
      return `${p.member} recalled as coordinator`;
    case "voucher-issue":
      return `Cycle ${p.cycle}: ${p.total} vouchers issued to ${p.members} members (${p.rule})`;
    case "voucher-expiry":
      return `Cycle ${p.cycle} ended: ${p.spent} vouchers spent, ${p.expired} expired`;
    case "voucher-void":
      return `${p.vouchers} vouchers voided (a member ${p.reason === "deceased" ? "died" : "left"})`;
    case "goods-inflow":
    case "goods-outflow":
      return `${e.type === "goods-inflow" ? "Received" : "Sent"} ${p.quantity} ${p.unit} of ${p.resource} (exchange ${p.exchange})`;
    default:
      return e.type.replaceAll("-", " ");
  }
}

/** Where the page of entries after seq `after` is. */
export function ledgerPageUrl(origin: string, after: number): string {
  return `${origin}/ledger?after=${after}`;
}

/**
 * The collection: its head, its length and its first page. A ledger that
 * fits in one page also lists its entries inline, so a small community's
 * ledger is one request.
 */
export function toLedgerCollection(
  origin: string,
  actor: string,
  head: string,
  totalItems: number,
  allEntries: readonly LedgerEntry[] | null,
) {
  return {
    "@context": LEDGER_CONTEXT,
    id: `${origin}/ledger`,
    type: "OrderedCollection",
    attributedTo: actor,
    name: "Public ledger",
    ledgerHead: head,
    totalItems,
    first: ledgerPageUrl(origin, 0),
    ...(allEntries ? { orderedItems: allEntries.map((e) => ledgerItem(origin, e)) } : {}),
  };
}

/** One page, oldest entry first; `next` while more entries follow. */
export function toLedgerPage(origin: string, after: number, entries: readonly LedgerEntry[], more: boolean) {
  const last = entries.at(-1)?.seq ?? after;
  return {
    "@context": LEDGER_CONTEXT,
    id: ledgerPageUrl(origin, after),
    type: "OrderedCollectionPage",
    partOf: `${origin}/ledger`,
    startIndex: after,
    ...(more ? { next: ledgerPageUrl(origin, last) } : {}),
    orderedItems: entries.map((e) => ledgerItem(origin, e)),
  };
}

function ledgerItem(origin: string, e: LedgerEntry) {
  return {
    id: `${origin}/ledger#${e.seq}`,
    type: "Note",
    seq: e.seq,
    entryType: e.type,
    payload: e.payload,
    prevHash: e.prevHash,
    hash: e.hash,
    published: new Date(e.at).toISOString(),
    content: describeEntry(e),
  };
}

/** Reads entries back from a fetched collection or page; null when it is not shaped like one. */
export function fromLedgerCollection(doc: unknown): LedgerEntry[] | null {
  if (!doc || typeof doc !== "object") return null;
  const items = (doc as { orderedItems?: unknown }).orderedItems;
  if (!Array.isArray(items)) return null;
  const out: LedgerEntry[] = [];
  for (const i of items) {
    if (!i || typeof i !== "object") return null;
    const r = i as Record<string, unknown>;
    const at = typeof r.published === "string" ? Date.parse(r.published) : Number.NaN;
    if (
      typeof r.seq !== "number" ||
      typeof r.entryType !== "string" ||
      typeof r.prevHash !== "string" ||
      typeof r.hash !== "string" ||
      Number.isNaN(at)
    ) {
      return null;
    }
    out.push({ seq: r.seq, type: r.entryType, payload: r.payload, prevHash: r.prevHash, hash: r.hash, at });
  }
  return out;
}
