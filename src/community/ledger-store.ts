import { asc, desc, gt } from "drizzle-orm";
import type { Db, Sqlite } from "../db/client.js";
import { type LedgerRow, ledgerTable } from "../db/schema/community.js";
import { now } from "./clock.js";
import { formatHead, type LedgerEntry, nextEntry, type VerifyResult, verifyChain } from "./ledger.js";

/** Ledger entry types; payloads hold totals and decisions, never personal voucher data. */
export type LedgerType =
  | "vote-result"
  | "policy-change"
  | "election"
  | "recall"
  | "bootstrap-retired"
  | "goods-inflow"
  | "goods-outflow"
  | "voucher-issue"
  | "voucher-expiry"
  | "voucher-void"
  | "member-joined"
  | "member-left";

/**
 * Appends one entry. Call inside the transaction that makes the decision it
 * records, so the decision and its record commit together or not at all.
 */
export function appendLedger(db: Db, type: LedgerType, payload: unknown): LedgerEntry {
  const head = db.select().from(ledgerTable).orderBy(desc(ledgerTable.seq)).limit(1).get();
  const entry = nextEntry(head ? toEntry(head) : null, type, payload, now());
  db.insert(ledgerTable)
    .values({
      seq: entry.seq,
      type: entry.type,
      payloadJson: JSON.stringify(entry.payload),
      prevHash: entry.prevHash,
      hash: entry.hash,
      at: entry.at,
    })
    .run();
  return entry;
}

/** A flow of goods in or out, tied to its exchange; for the exchange code to call in its own transaction. */
export interface GoodsFlow {
  readonly direction: "inflow" | "outflow";
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  /** The exchange (proposal/agreement URI) the flow belongs to. */
  readonly exchange: string;
  /** The other community's actor URI. */
  readonly counterpart: string;
}

export function recordGoodsFlow(db: Db, flow: GoodsFlow): LedgerEntry {
  const { direction, ...payload } = flow;
  return appendLedger(db, direction === "inflow" ? "goods-inflow" : "goods-outflow", payload);
}

export function toEntry(row: LedgerRow): LedgerEntry {
  return {
    seq: row.seq,
    type: row.type,
    payload: JSON.parse(row.payloadJson),
    prevHash: row.prevHash,
    hash: row.hash,
    at: row.at,
  };
}

/** Entries per page of the public ledger (and per step when the whole chain is checked). */
export const LEDGER_PAGE = 1000;

/** Entries after seq `after`, oldest first. */
export function listLedger(db: Db, after = 0, limit = LEDGER_PAGE): LedgerEntry[] {
  return db
    .select()
    .from(ledgerTable)
    .where(gt(ledgerTable.seq, after))
    .orderBy(asc(ledgerTable.seq))
    .limit(limit)
    .all()
    .map(toEntry);
}

export function ledgerHead(db: Db): string {
  const head = db.select().from(ledgerTable).orderBy(desc(ledgerTable.seq)).limit(1).get();
  return formatHead(head ?? null);
}

/** The newest `count` entries, newest first. */
export function latestLedger(db: Db, count: number): LedgerEntry[] {
  return db.select().from(ledgerTable).orderBy(desc(ledgerTable.seq)).limit(count).all().map(toEntry);
}

/** Number of entries (seqs run 1, 2, 3… without gaps in a sound ledger; the last seq is the length). */
export function ledgerLength(db: Db): number {
  return db.select().from(ledgerTable).orderBy(desc(ledgerTable.seq)).limit(1).get()?.seq ?? 0;
}

/** The whole chain, a page at a time so memory stays flat however long the ledger grows. */
export function verifyLedger(db: Db): VerifyResult {
  let last: LedgerEntry | null = null;
  let result: VerifyResult = verifyChain([]);
  for (;;) {
    const page = listLedger(db, last?.seq ?? 0, LEDGER_PAGE);
    if (page.length === 0) return result;
    result = verifyChain(page, last);
    if (!result.ok) return result;
    last = page.at(-1)!;
  }
}

/**
 * Guards the database itself (the API has no way to edit the ledger or move
 * a voucher; these make a stray UPDATE fail too). Created at start-up so they
 * survive migration regeneration; someone with the file can drop them, which
 * is what the hash chain and the followers' remembered heads are for.
 */
export function ensureCommunityTriggers(sqlite: Sqlite): void {
  sqlite.exec(`
CREATE TRIGGER IF NOT EXISTS ledger_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS vouchers_no_transfer BEFORE UPDATE OF member_id, cycle_id ON vouchers
BEGIN SELECT RAISE(ABORT, 'vouchers cannot be transferred'); END;
CREATE TRIGGER IF NOT EXISTS vouchers_no_revival BEFORE UPDATE OF voided_at ON vouchers
WHEN OLD.voided_at IS NOT NULL BEGIN SELECT RAISE(ABORT, 'a voided voucher stays void'); END;
`);
}
