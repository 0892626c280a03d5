import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ledgerAlertsTable, ledgerHeadsSeenTable } from "../db/schema/community.js";
import { checkAgainstSeen, type LedgerEntry, parseHead } from "./ledger.js";
import { fromLedgerCollection } from "./ledger-ld.js";

/**
 * Followers remember the ledger heads they saw of each community they follow.
 * On each check they fetch the community's actor (its head rides there, as an
 * attachment) and its ledger, recompute the chain, and confirm every head
 * they saw before is still there unchanged. A mismatch raises an alert.
 */

export interface PeerCheck {
  readonly ok: boolean;
  readonly head: string | null;
  readonly reason?: string;
  readonly seq?: number | null;
}

const AP = {
  accept: 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
};

export function headFromActor(actor: unknown): { head: string | null; ledger: string | null } {
  const attachments = (actor as { attachment?: unknown })?.attachment;
  const list = Array.isArray(attachments) ? attachments : attachments ? [attachments] : [];
  const value = (name: string) => {
    const a = list.find((x) => x && typeof x === "object" && (x as { name?: unknown }).name === name) as
      | { value?: unknown }
      | undefined;
    return typeof a?.value === "string" ? a.value : null;
  };
  return { head: value("ledgerHead"), ledger: value("ledger") };
}

export async function checkPeerLedger(db: Db, actorUri: string, fetchFn: typeof fetch = fetch): Promise<PeerCheck> {
  const actor = await fetchJson(fetchFn, actorUri);
  const { head, ledger } = headFromActor(actor);
  if (!head || !ledger) return { ok: false, head: null, reason: "the community does not publish a ledger head" };
  const parsed = parseHead(head);
  if (!parsed) return raise(db, actorUri, null, `malformed ledger head ${head}`);
  if (new URL(ledger).origin !== new URL(actorUri).origin)
    return raise(db, actorUri, null, "the ledger is not on the community's own server");
  const entries = await fetchLedgerEntries(fetchFn, ledger);
  if (!entries) return raise(db, actorUri, null, "the ledger collection could not be read");
  const seen = db.select().from(ledgerHeadsSeenTable).where(eq(ledgerHeadsSeenTable.actorUri, actorUri)).all();
  const atHead = entries.find((e) => e.seq === parsed.seq);
  if (parsed.seq > 0 && atHead?.hash !== parsed.hash)
    return raise(db, actorUri, parsed.seq, "the advertised head is not the ledger's entry at that seq");
  const check = checkAgainstSeen(entries, seen);
  if (!check.ok) return raise(db, actorUri, check.seq, check.reason);
  db.insert(ledgerHeadsSeenTable).values({ actorUri, seq: parsed.seq, hash: parsed.hash }).onConflictDoNothing().run();
  return { ok: true, head };
}

function raise(db: Db, actorUri: string, seq: number | null, reason: string): PeerCheck {
  const last = db
    .select()
    .from(ledgerAlertsTable)
    .where(eq(ledgerAlertsTable.actorUri, actorUri))
    .orderBy(desc(ledgerAlertsTable.id))
    .get();
  if (!(last && last.reason === reason && last.seq === seq))
    db.insert(ledgerAlertsTable).values({ actorUri, seq, reason }).run();
  return { ok: false, head: null, reason, seq };
}

/**
 * Every entry of a remote ledger: inline when the collection holds them all,
 * else page by page from `first` along `next`. Pages must stay on the
 * ledger's own server and never loop; anything else reads as unreadable.
 */
async function fetchLedgerEntries(fetchFn: typeof fetch, url: string): Promise<LedgerEntry[] | null> {
  const doc = (await fetchJson(fetchFn, url)) as { totalItems?: unknown; first?: unknown } | null;
  const inline = fromLedgerCollection(doc);
  const total = typeof doc?.totalItems === "number" ? doc.totalItems : null;
  if (inline && (total === null || inline.length >= total)) return inline;
  const out: LedgerEntry[] = [];
  const visited = new Set<string>();
  let next = typeof doc?.first === "string" ? doc.first : null;
  if (next === null) return null;
  while (next !== null) {
    if (visited.has(next) || new URL(next, url).origin !== new URL(url).origin) return null;
    visited.add(next);
    const page = (await fetchJson(fetchFn, new URL(next, url).href)) as { next?: unknown } | null;
    const entries = fromLedgerCollection(page);
    if (!entries) return null;
    out.push(...entries);
    next = entries.length > 0 && typeof page?.next === "string" ? page.next : null;
  }
  return out;
}

async function fetchJson(fetchFn: typeof fetch, url: string): Promise<unknown> {
  const response = await fetchFn(url, { headers: AP, redirect: "follow", signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

export function listAlerts(db: Db) {
  return db.select().from(ledgerAlertsTable).orderBy(desc(ledgerAlertsTable.id)).all();
}

export function headsSeen(db: Db, actorUri: string) {
  return db
    .select()
    .from(ledgerHeadsSeenTable)
    .where(and(eq(ledgerHeadsSeenTable.actorUri, actorUri)))
    .orderBy(desc(ledgerHeadsSeenTable.seq))
    .all();
}
