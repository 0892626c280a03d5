import t from "tap";
import { call, HOUR, manualClock, withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";

// Thursday noon UTC; weekly cycles from Monday 2024-01-01.
const clock = manualClock("2026-11-26T12:00:00Z");

type Node = Awaited<ReturnType<typeof buildTestApp>>;
const vouchers = (node: Node) =>
  JSON.stringify(node.services.sqlite.prepare("SELECT * FROM vouchers ORDER BY id").all());
const ledgerTypes = async (node: Node) =>
  JSON.parse(
    (await node.app.inject({ url: "/ledger", headers: { accept: "application/activity+json" } })).body,
  ).orderedItems.map((e: { entryType: string; payload: unknown }) => [e.entryType, e.payload]);

t.test("each cycle issues an equal share; spending works; the rules refuse the rest and change nothing", async (t) => {
  clock.set("2026-11-26T12:00:00Z");
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana", "ben"]);
  const cycle = (await call(node, "GET", "/api/cycles/current")).body;
  t.same([cycle.startsAt, cycle.endsAt], ["2026-11-23T00:00:00.000Z", "2026-11-30T00:00:00.000Z"]);
  const mine = (await call(node, "GET", "/api/vouchers", m.ana!.token)).body.items;
  t.match(mine, [{ cycleId: cycle.id, amount: 40, spent: 0, remaining: 40, state: "current" }]);

  const spent = await call(node, "POST", "/api/vouchers/spend", m.ana!.token, { amount: 15, purpose: "bread" });
  t.same(spent.body, { cycleId: cycle.id, amount: 40, spent: 15, remaining: 25 });

  const before = vouchers(node);
  const over = await call(node, "POST", "/api/vouchers/spend", m.ana!.token, { amount: 26, purpose: "more bread" });
  t.match(over.body, { status: 400, errors: [{ name: "amount", reason: "only 25 vouchers left this cycle" }] });
  const foreign = await call(node, "POST", "/api/vouchers/spend", m.ana!.token, {
    amount: 1,
    purpose: "x",
    memberId: m.ben!.id,
  });
  t.equal(foreign.status, 403);
  t.match(foreign.body.detail, /only spend your own/);
  const transfer = await call(node, "POST", "/api/vouchers/transfer", m.ana!.token, { to: m.ben!.id, amount: 5 });
  t.equal(transfer.status, 422);
  t.match(transfer.body.detail, /cannot be transferred/);
  const unknownCycle = await call(node, "POST", "/api/vouchers/spend", m.ana!.token, {
    amount: 1,
    purpose: "x",
    cycleId: 999,
  });
  t.equal(unknownCycle.status, 400);
  t.equal(vouchers(node), before, "refused spends and the transfer changed nothing");
  const logged = node.services.sqlite.prepare("SELECT action FROM refused_attempts ORDER BY id").all() as {
    action: string;
  }[];
  t.same(
    logged.map((l) => l.action),
    ["spend-vouchers", "spend-vouchers", "transfer-vouchers", "spend-vouchers"],
  );
});

t.test("vouchers expire exactly at the cycle boundary, in the policy's time zone", async (t) => {
  clock.set("2026-11-26T12:00:00Z");
  const node = await buildTestApp(t);
  await call(node, "PUT", "/api/policy", node.token, { timeZone: "Pacific/Auckland" });
  const m = await withMembers(node, ["ana"]);
  const first = (await call(node, "GET", "/api/cycles/current")).body;
  t.equal(first.endsAt, "2026-11-29T11:00:00.000Z", "Monday 00:00 in Auckland");
  await call(node, "POST", "/api/vouchers/spend", m.ana!.token, { amount: 10, purpose: "soup" });

  clock.set("2026-11-29T10:59:59.999Z");
  t.equal(
    (await call(node, "POST", "/api/vouchers/spend", m.ana!.token, { amount: 1, purpose: "last minute" })).status,
    200,
    "the last millisecond is inside",
  );

  clock.set("2026-11-29T11:00:00.000Z");
  const past = await call(node, "POST", "/api/vouchers/spend", m.ana!.token, {
    amount: 1,
    purpose: "too late",
    cycleId: first.id,
  });
  t.equal(past.status, 409, "at the boundary the old vouchers are void");
  t.match(past.body.detail, /expire at the end of their cycle/);
  const list = (await call(node, "GET", "/api/vouchers", m.ana!.token)).body.items;
  t.match(
    list,
    [
      { cycleId: first.id, state: "expired", remaining: 0, spent: 11 },
      { state: "current", amount: 40, remaining: 40 },
    ],
    "a fresh 40: nothing carried over",
  );
  const entries = await ledgerTypes(node);
  t.match(
    entries.filter((e: [string]) => e[0].startsWith("voucher")),
    [
      ["voucher-issue", { cycle: first.id, members: 1, total: 40, rule: "equal" }],
      ["voucher-expiry", { cycle: first.id, spent: 11, expired: 29 }],
      ["voucher-issue", { members: 1, total: 40 }],
    ],
    "the ledger has totals, no names",
  );
  t.notMatch(JSON.stringify(entries), /ana/, "no personal voucher data on the public ledger");
});

t.test("leaving or dying voids vouchers: nothing is inherited", async (t) => {
  clock.set("2026-11-26T12:00:00Z");
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana", "ben"]);
  await call(node, "GET", "/api/cycles/current");
  t.equal((await call(node, "POST", "/api/me/leave", m.ana!.token)).status, 204);
  t.equal(
    (await call(node, "GET", "/api/vouchers", m.ana!.token)).status,
    401,
    "the session ended with the membership",
  );
  t.equal(
    (await call(node, "POST", `/api/members/${m.ben!.id}/depart`, node.token, { reason: "deceased" })).status,
    204,
  );
  const rows = node.services.sqlite.prepare("SELECT member_id, voided_at FROM vouchers").all() as {
    member_id: number;
    voided_at: number | null;
  }[];
  t.ok(rows.length === 2 && rows.every((r) => r.voided_at !== null), "both members' vouchers are void");
  const voids = (await ledgerTypes(node)).filter((e: [string]) => e[0] === "voucher-void");
  t.same(voids, [
    ["voucher-void", { reason: "left", vouchers: 40 }],
    ["voucher-void", { reason: "deceased", vouchers: 40 }],
  ]);
});

t.test("the schema itself refuses transfers, overspending and ownerless vouchers", async (t) => {
  clock.set("2026-11-26T12:00:00Z");
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana", "ben"]);
  await call(node, "GET", "/api/cycles/current");
  const sql = node.services.sqlite;
  t.throws(
    () => sql.prepare("UPDATE vouchers SET member_id = ? WHERE member_id = ?").run(m.ben!.id, m.ana!.id),
    /cannot be transferred/,
  );
  t.throws(() => sql.prepare("UPDATE vouchers SET spent = amount + 1").run(), /CHECK constraint failed/);
  t.throws(
    () => sql.prepare("INSERT INTO vouchers (member_id, cycle_id, amount) VALUES (NULL, 1, 5)").run(),
    /NOT NULL/,
  );
  t.throws(
    () => sql.prepare("INSERT INTO vouchers (member_id, cycle_id, amount) VALUES (?, 1, 5)").run(m.ana!.id),
    /UNIQUE/,
    "one voucher per member per cycle",
  );
  t.throws(() => sql.prepare("UPDATE ledger_entries SET type = 'x'").run(), /append-only/);
});

t.test("hours rule: vouchers follow the hours worked last cycle", async (t) => {
  clock.set("2026-11-26T12:00:00Z");
  const node = await buildTestApp(t);
  await call(node, "PUT", "/api/policy", node.token, { voucherRule: "hours", voucherPerHour: 2 });
  const m = await withMembers(node, ["ana", "ben"]);
  await call(node, "GET", "/api/cycles/current");
  const shift = await call(node, "POST", "/api/shifts", node.token, {
    kind: "cooking",
    title: "Lunch",
    weekday: 4,
    startTime: "11:00",
    minutes: 180,
    size: 1,
  });
  t.equal(shift.status, 201);
  t.equal((await call(node, "POST", `/api/shifts/${shift.body.id}/signup`, m.ana!.token)).status, 201);
  const full = await call(node, "POST", `/api/shifts/${shift.body.id}/signup`, m.ben!.token);
  t.equal(full.status, 409);
  t.match(full.body.detail, /full/);
  t.equal(
    (await call(node, "POST", `/api/shifts/${shift.body.id}/work`, node.token, { memberId: m.ana!.id })).status,
    201,
  );
  t.equal(
    (await call(node, "POST", `/api/shifts/${shift.body.id}/work`, node.token, { memberId: m.ana!.id })).status,
    409,
    "the same day counts once",
  );
  t.equal(
    (await call(node, "POST", `/api/shifts/${shift.body.id}/work`, m.ana!.token, { memberId: m.ana!.id })).status,
    403,
    "members cannot confirm their own hours",
  );
  clock.advance(7 * 24 * HOUR);
  const ana = (await call(node, "GET", "/api/vouchers", m.ana!.token)).body.items.at(-1);
  const ben = (await call(node, "GET", "/api/vouchers", m.ben!.token)).body.items.at(-1);
  t.equal(ana.amount, 6, "3 hours × 2");
  t.equal(ben.amount, 0);
});
