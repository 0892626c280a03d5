import t, { type Test } from "tap";
import { inTransaction } from "../../src/db/client.js";
import { checkPeerLedger } from "../../src/community/ledger-peers.js";
import { appendLedger, LEDGER_PAGE, recordGoodsFlow, verifyLedger } from "../../src/community/ledger-store.js";
import { buildTestApp } from "../helpers/test-app.js";

const AP = { accept: "application/activity+json" };
const TOTAL = 2 * LEDGER_PAGE + 500;

async function longLedgerNode(t: Test) {
  const node = await buildTestApp(t);
  inTransaction(node.services.sqlite, () => {
    for (let i = 1; i <= TOTAL; i++) {
      recordGoodsFlow(node.services.db, {
        direction: i % 2 ? "inflow" : "outflow",
        resource: "flour",
        quantity: i,
        unit: "kg",
        exchange: `https://x.example/exchanges/${i}`,
        counterpart: "https://x.example/actors/x",
      });
    }
  });
  return node;
}

t.test("a long ledger is served in pages that chain back into the whole history", async (t) => {
  const node = await longLedgerNode(t);
  const get = async (url: string) => (await node.app.inject({ url, headers: AP })).json();
  const collection = await get("/ledger");
  t.equal(collection.totalItems, TOTAL);
  t.notOk("orderedItems" in collection, "too long to list inline");
  t.equal(collection.first, `${node.services.config.origin}/ledger?after=0`);
  t.match(collection.ledgerHead, new RegExp(`^${TOTAL}:[0-9a-f]{64}$`));

  const seqs: number[] = [];
  let next: string | undefined = collection.first;
  let pages = 0;
  while (next) {
    const page = await get(new URL(next).pathname + new URL(next).search);
    t.equal(page.type, "OrderedCollectionPage");
    t.ok(page.orderedItems.length <= LEDGER_PAGE);
    seqs.push(...page.orderedItems.map((e: { seq: number }) => e.seq));
    next = page.next;
    pages++;
  }
  t.equal(pages, 3);
  t.same(
    seqs,
    Array.from({ length: TOTAL }, (_, i) => i + 1),
    "every entry once, in order",
  );
  t.same(
    verifyLedger(node.services.db),
    { ok: true, length: TOTAL, head: collection.ledgerHead },
    "the whole chain verifies",
  );

  const html = (await node.app.inject({ url: "/ledger", headers: { accept: "text/html" } })).body;
  t.match(html, `Entries ${TOTAL - LEDGER_PAGE + 1}–${TOTAL} of ${TOTAL}.`, "a browser sees the newest page");
  t.match(html, `href="/ledger?after=${TOTAL - 2 * LEDGER_PAGE}"`, "with a link to earlier entries");
  const first = (await node.app.inject({ url: "/ledger?after=0", headers: { accept: "text/html" } })).body;
  t.match(first, `Entries 1–${LEDGER_PAGE} of ${TOTAL}.`);
  t.match(first, `href="/ledger?after=${LEDGER_PAGE}"`, "and later ones");
  const bad = await node.app.inject({ url: "/ledger?after=-1", headers: AP });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().errors[0].name, "querystring.after");
});

t.test("a follower checks a paged ledger, and a rewrite deep in it still shows", async (t) => {
  const node = await longLedgerNode(t);
  const { origin } = node.services.config;
  const actorUri = `${origin}/actors/${node.services.config.handle}`;
  let tamper:
    | ((doc: { orderedItems?: { seq: number; payload: { quantity: number } }[]; next?: string }) => void)
    | null = null;
  const fetchFn = (async (input: string | URL) => {
    const url = new URL(String(input));
    const res = await node.app.inject({ url: url.pathname + url.search, headers: AP });
    const doc = res.json();
    tamper?.(doc);
    return new Response(JSON.stringify(doc), {
      status: res.statusCode,
      headers: { "content-type": "application/activity+json" },
    });
  }) as typeof fetch;
  const watcher = await buildTestApp(t);
  const first = await checkPeerLedger(watcher.services.db, actorUri, fetchFn);
  t.same(first, { ok: true, head: first.head }, "read across all pages and verified");

  appendLedger(node.services.db, "member-left", { member: "m" });
  tamper = (doc) => {
    const e = doc.orderedItems?.find((x) => x.seq === LEDGER_PAGE + 10);
    if (e) e.payload.quantity = 1;
  };
  const rewritten = await checkPeerLedger(watcher.services.db, actorUri, fetchFn);
  t.equal(rewritten.ok, false);
  t.match(rewritten.reason, /chain broken/, "an entry on the second page changed");

  tamper = (doc) => {
    if (doc.next) doc.next = `${origin}/ledger?after=0`;
  };
  t.match(
    (await checkPeerLedger(watcher.services.db, actorUri, fetchFn)).reason,
    /could not be read/,
    "pages that loop are refused",
  );
  tamper = (doc) => {
    if (doc.next) doc.next = "https://elsewhere.example/ledger?after=1000";
  };
  t.match(
    (await checkPeerLedger(watcher.services.db, actorUri, fetchFn)).reason,
    /could not be read/,
    "pages on another server are refused",
  );
});

t.test("the node's own check finds a rewritten entry beyond the first page", async (t) => {
  const node = await longLedgerNode(t);
  node.services.sqlite.exec("DROP TRIGGER ledger_no_update");
  node.services.sqlite
    .prepare("UPDATE ledger_entries SET payload_json = ? WHERE seq = ?")
    .run(JSON.stringify({ quantity: 1 }), TOTAL - 3);
  const v = verifyLedger(node.services.db);
  t.same(v, { ok: false, seq: TOTAL - 3, reason: "hash does not match the entry's content" });
});
