import { createHash } from "node:crypto";
import { canonicalJson } from "../planning/canonical.js";

/**
 * The pure hash chain of the public ledger. Each entry's hash covers its
 * sequence number, type, payload, time and the previous hash, so changing
 * any entry (or dropping one) breaks every hash after it.
 */

export const GENESIS_HASH = "0".repeat(64);

export interface LedgerEntry {
  readonly seq: number;
  readonly type: string;
  readonly payload: unknown;
  readonly prevHash: string;
  readonly hash: string;
  /** Epoch ms. */
  readonly at: number;
}

export function entryHash(e: Omit<LedgerEntry, "hash">): string {
  const body = canonicalJson({ seq: e.seq, type: e.type, payload: e.payload, prevHash: e.prevHash, at: e.at });
  return createHash("sha256").update(body).digest("hex");
}

/** The next entry after `head` (null for an empty ledger). */
export function nextEntry(head: LedgerEntry | null, type: string, payload: unknown, at: number): LedgerEntry {
  const seq = (head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { seq, type, payload, prevHash, at, hash: entryHash({ seq, type, payload, prevHash, at }) };
}

export type VerifyResult = { ok: true; length: number; head: string } | { ok: false; seq: number; reason: string };

/**
 * Recomputes the chain in order; returns the first broken entry. `after` is
 * the entry just before `entries` (the genesis by default), so a long ledger
 * can be checked page by page.
 */
export function verifyChain(
  entries: readonly LedgerEntry[],
  after: Pick<LedgerEntry, "seq" | "hash"> | null = null,
): VerifyResult {
  let prev = after?.hash ?? GENESIS_HASH;
  let expectedSeq = (after?.seq ?? 0) + 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq)
      return { ok: false, seq: expectedSeq, reason: `entry ${expectedSeq} is missing (found ${e.seq})` };
    if (e.prevHash !== prev)
      return { ok: false, seq: e.seq, reason: "prevHash does not match the previous entry's hash" };
    if (entryHash(e) !== e.hash) return { ok: false, seq: e.seq, reason: "hash does not match the entry's content" };
    prev = e.hash;
    expectedSeq++;
  }
  return { ok: true, length: expectedSeq - 1, head: formatHead(entries.at(-1) ?? after) };
}

/** "<seq>:<hash>", the form the head travels in (0:<genesis> for an empty ledger). */
export function formatHead(head: Pick<LedgerEntry, "seq" | "hash"> | null): string {
  return head ? `${head.seq}:${head.hash}` : `0:${GENESIS_HASH}`;
}

export function parseHead(value: string): { seq: number; hash: string } | null {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(value);
  return m ? { seq: Number(m[1]), hash: m[2] as string } : null;
}

export interface SeenHead {
  readonly seq: number;
  readonly hash: string;
}

/**
 * What a follower checks when it sees a community's ledger again: the chain
 * is intact, and every head it saw before is still the entry at that seq.
 */
export function checkAgainstSeen(
  entries: readonly LedgerEntry[],
  seen: readonly SeenHead[],
): { ok: true } | { ok: false; seq: number; reason: string } {
  const chain = verifyChain(entries);
  if (!chain.ok) return { ok: false, seq: chain.seq, reason: `chain broken: ${chain.reason}` };
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  for (const s of [...seen].sort((a, b) => a.seq - b.seq)) {
    if (s.seq === 0) continue;
    const e = bySeq.get(s.seq);
    if (!e) return { ok: false, seq: s.seq, reason: `entry ${s.seq} we saw before is gone (history shortened)` };
    if (e.hash !== s.hash)
      return { ok: false, seq: s.seq, reason: `entry ${s.seq} differs from the one we saw (history rewritten)` };
  }
  return { ok: true };
}
