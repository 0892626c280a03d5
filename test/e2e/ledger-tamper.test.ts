import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import t from "tap";
import { AP_ACCEPT, eventually, startNode } from "../helpers/node-process.js";

// Four node starts and two restarts: slow on a loaded machine, so more than the suite default.
t.setTimeout(600_000);

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

async function verifyCli(dataDir: string): Promise<{ code: number; out: string }> {
  try {
    const r = await run(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src/community/verify-ledger.ts"), "--data-dir", dataDir],
      { cwd: ROOT },
    );
    return { code: 0, out: r.stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

t.test("a follower detects a ledger rewritten in the database of the community it follows", async (t) => {
  const [a, b] = await Promise.all([startNode(t, { handle: "alpha" }), startNode(t, { handle: "beta" })]);

  // A's ledger gets entries: a policy decision and a cycle's voucher issue.
  t.equal((await a.api("/api/policy", { method: "PUT", json: { voucherEqualAmount: 30 } })).status, 200);
  t.equal((await a.api("/api/cycles/current")).status, 200);
  const actor = await a.getJson("/actors/alpha", AP_ACCEPT);
  const head = actor.attachment.find((x: { name: string }) => x.name === "ledgerHead").value;
  t.match(head, /^2:[0-9a-f]{64}$/, "the Group actor carries the ledger head");

  const follow = await (await b.api("/api/following", { method: "POST", json: { actor: a.actorUrl } })).json();
  await eventually(async () => (await b.getJson("/api/following")).items[0]?.status === "accepted", "B to follow A");
  const first = await (await b.api(`/api/following/${follow.id}/check-ledger`, { method: "POST" })).json();
  t.match(first, { ok: true, head, seen: [{ seq: 2 }] }, "B checked A's ledger and remembered its head");
  t.same((await b.getJson("/api/ledger/verify")).ok, true);
  t.match(await verifyCli(a.dataDir), { code: 0, out: /^OK: 2 entries/ });

  // Someone with the database file rewrites history while A is down.
  await a.stop();
  const db = new Database(join(a.dataDir, "tendril.sqlite"));
  db.exec("DROP TRIGGER ledger_no_update");
  db.prepare("UPDATE ledger_entries SET payload_json = ? WHERE seq = 1").run(
    JSON.stringify({ by: "bootstrap", changes: { voucherEqualAmount: 300 } }),
  );
  db.close();
  await a.start();

  const own = await a.getJson("/api/ledger/verify");
  t.match(own, { ok: false, brokenAt: 1, reason: /hash does not match/ }, "A's own verify endpoint reports the break");
  t.match(await verifyCli(a.dataDir), { code: 1, out: /^BROKEN at entry 1/ }, "so does the CLI, with exit code 1");
  const page = await (await a.api("/ledger", { headers: { accept: "text/html" } })).text();
  t.match(page, /chain broken at entry 1/, "and the public HTML page says so");

  const second = await b.api(`/api/following/${follow.id}/check-ledger`, { method: "POST" });
  t.match(await second.json(), { ok: false, seq: 1, reason: /chain broken/ });
  const alerts = await b.getJson("/api/network/ledger-alerts");
  t.match(
    alerts.items,
    [{ actor: a.actorUrl, seq: 1, reason: /hash does not match/ }],
    "B flags A's rewritten history",
  );
});

t.test("a consistent rewrite (all hashes recomputed) is caught by the head the follower saw", async (t) => {
  const [a, b] = await Promise.all([startNode(t, { handle: "alpha" }), startNode(t, { handle: "beta" })]);
  await a.api("/api/policy", { method: "PUT", json: { voucherEqualAmount: 30 } });
  await a.api("/api/cycles/current");
  const follow = await (await b.api("/api/following", { method: "POST", json: { actor: a.actorUrl } })).json();
  await eventually(async () => (await b.getJson("/api/following")).items[0]?.status === "accepted", "B to follow A");
  t.match(await (await b.api(`/api/following/${follow.id}/check-ledger`, { method: "POST" })).json(), { ok: true });

  await a.stop();
  const { entryHash } = await import("../../src/community/ledger.js");
  const db = new Database(join(a.dataDir, "tendril.sqlite"));
  db.exec("DROP TRIGGER ledger_no_update");
  const rows = db.prepare("SELECT * FROM ledger_entries ORDER BY seq").all() as {
    seq: number;
    type: string;
    payload_json: string;
    prev_hash: string;
    at: number;
  }[];
  let prev = "0".repeat(64);
  for (const r of rows) {
    const payload =
      r.seq === 1 ? { by: "bootstrap", changes: { voucherEqualAmount: 300 } } : JSON.parse(r.payload_json);
    const hash = entryHash({ seq: r.seq, type: r.type, payload, prevHash: prev, at: r.at });
    db.prepare("UPDATE ledger_entries SET payload_json = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(
      JSON.stringify(payload),
      prev,
      hash,
      r.seq,
    );
    prev = hash;
  }
  db.close();
  await a.start();

  t.same((await a.getJson("/api/ledger/verify")).ok, true, "the forged chain is internally consistent");

  // A publishes an offer: the Create carries A's (new) ledger head, and B checks it unprompted.
  const soon = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const offer = await a.api("/api/offers", {
    method: "POST",
    json: {
      resource: "potatoes",
      quantity: 10,
      availableFrom: soon(0),
      availableUntil: soon(3),
      pickup: { lat: 41.9, lon: 12.5, name: "barn" },
    },
  });
  t.equal(offer.status, 201);
  const auto = await eventually(
    async () => (await b.getJson("/api/network/ledger-alerts")).items[0],
    "B to notice on receipt",
  );
  t.match(
    auto,
    { actor: a.actorUrl, reason: /history rewritten|advertised head/ },
    "the head riding on A's Create set off the alert",
  );

  const check = await (await b.api(`/api/following/${follow.id}/check-ledger`, { method: "POST" })).json();
  t.match(check, { ok: false, reason: /history rewritten|advertised head/ }, "but B remembers the old head");
  t.equal((await b.getJson("/api/network/ledger-alerts")).items.length, 1);
});
