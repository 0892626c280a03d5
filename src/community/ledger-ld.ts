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

export function toLedgerCollection(origin: string, actor: string, head: string, entries: readonly LedgerEntry[]) {
  return {
    "@context": LEDGER_CONTEXT,
    id: `${origin}/ledger`,
    type: "OrderedCollection",
    attributedTo: actor,
    name: "Public ledger",
    ledgerHead: head,
    totalItems: entries.length,
    orderedItems: entries.map((e) => ({
      id: `${origin}/ledger#${e.seq}`,
      type: "Note",
      seq: e.seq,
      entryType: e.type,
      payload: e.payload,
      prevHash: e.prevHash,
      hash: e.hash,
      published: new Date(e.at).toISOString(),
      content: describeEntry(e),
    })),
  };
}

/** Reads entries back from a fetched collection; null when it is not shaped like one. */
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
