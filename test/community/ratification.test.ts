import t from "tap";
import { DEFAULT_POLICY } from "../../src/community/policy.js";
import { checkAnswer, needsRatification, type RatificationResult } from "../../src/community/ratification.js";
import { call, DAY, manualClock, withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";

const clock = manualClock("2026-11-26T12:00:00Z");
const commitment = {
  resource: "flour",
  quantity: 500,
  unit: "kg",
  direction: "outgoing" as const,
  counterpart: "https://b.example/actors/b",
};

t.test("needsRatification: threshold per resource, essential goods, incoming never", async (t) => {
  const policy = {
    ...DEFAULT_POLICY,
    ratificationThresholds: { "*": 100, flour: 1000 },
    essentialResources: ["insulin"],
  };
  t.same(needsRatification(policy, commitment), { needed: false, reasons: [] }, "500 kg under flour's own threshold");
  t.match(needsRatification(policy, { ...commitment, quantity: 1001 }), {
    needed: true,
    reasons: [/above the threshold of 1000/],
  });
  t.match(needsRatification(policy, { ...commitment, resource: "soap", quantity: 101 }), {
    needed: true,
    reasons: [/threshold of 100/],
  });
  t.match(needsRatification(policy, { ...commitment, resource: "insulin", quantity: 1 }), {
    needed: true,
    reasons: [/essential/],
  });
  t.same(needsRatification(policy, { ...commitment, direction: "incoming", quantity: 10_000 }).needed, false);
  t.same(
    needsRatification({ ratificationThresholds: {}, essentialResources: [] }, { ...commitment, quantity: 1e9 }).needed,
    false,
    "no threshold, no vote",
  );
});

t.test("checkAnswer: coordinators only, and only as the vote decided", async (t) => {
  const need = { needed: true, reasons: ["big"] };
  t.match(checkAnswer({ isCoordinator: false, need, vote: { closed: true, outcome: "ratified" }, answer: "accept" }), {
    ok: false,
    reason: /coordinator/,
  });
  t.match(checkAnswer({ isCoordinator: true, need, vote: null, answer: "accept" }), {
    ok: false,
    reason: /needs the assembly/,
  });
  t.match(checkAnswer({ isCoordinator: true, need, vote: { closed: false, outcome: null }, answer: "accept" }), {
    ok: false,
    reason: /still open/,
  });
  t.same(checkAnswer({ isCoordinator: true, need, vote: { closed: true, outcome: "ratified" }, answer: "accept" }), {
    ok: true,
    answer: "accept",
  });
  t.match(checkAnswer({ isCoordinator: true, need, vote: { closed: true, outcome: "rejected" }, answer: "accept" }), {
    ok: false,
    reason: /only possible answer is reject/,
  });
  t.same(checkAnswer({ isCoordinator: true, need, vote: { closed: true, outcome: "lapsed" }, answer: "reject" }), {
    ok: true,
    answer: "reject",
  });
  t.same(checkAnswer({ isCoordinator: true, need: { needed: false, reasons: [] }, vote: null, answer: "accept" }), {
    ok: true,
    answer: "accept",
  });
});

t.test(
  "a commitment above the threshold waits for the vote; the hook hears the result only when it closes",
  async (t) => {
    const node = await buildTestApp(t);
    const m = await withMembers(node, ["ana", "ben", "cleo"]);
    const heard: RatificationResult[] = [];
    node.community.hooks.register("exchange-proposal", (r) => {
      heard.push(r);
    });
    t.throws(() => node.community.hooks.register("exchange-proposal", () => {}), /already registered/);

    const small = node.community.requestRatification(
      { ...commitment, quantity: 50 },
      { kind: "exchange-proposal", id: "p-small" },
      null,
    );
    t.equal(small.vote, null, "below the threshold no vote is opened");

    const big = node.community.requestRatification(commitment, { kind: "exchange-proposal", id: "p-big" }, null);
    t.ok(big.vote, "above the threshold a vote is opened");
    const voteId = big.vote!.id;
    for (const who of ["ana", "ben"])
      t.equal((await call(node, "POST", `/api/votes/${voteId}/ballot`, m[who]!.token, { choice: "yes" })).status, 201);
    await node.community.closeDueVotes();
    t.same(heard, [], "nothing is answered while the window is open");

    clock.advance(4 * DAY);
    t.equal(await node.community.closeDueVotes(), 1);
    t.same(heard, [{ voteId, ref: { kind: "exchange-proposal", id: "p-big" }, commitment, outcome: "ratified" }]);
    const ledger = await node.app.inject({
      method: "GET",
      url: "/ledger",
      headers: { accept: "application/activity+json" },
    });
    const last = JSON.parse(ledger.body).orderedItems.at(-1);
    t.match(
      last,
      {
        entryType: "vote-result",
        payload: { vote: voteId, outcome: "passed", subject: { kind: "commitment", ref: { id: "p-big" } } },
      },
      "the result is on the public ledger",
    );

    const failing = node.community.requestRatification(commitment, { kind: "exchange-proposal", id: "p-no" }, null);
    for (const who of ["ana", "ben", "cleo"])
      await call(node, "POST", `/api/votes/${failing.vote!.id}/ballot`, m[who]!.token, { choice: "no" });
    const lapsing = node.community.requestRatification(commitment, { kind: "exchange-proposal", id: "p-lapse" }, null);
    await call(node, "POST", `/api/votes/${lapsing.vote!.id}/ballot`, m.ana!.token, { choice: "yes" });
    clock.advance(4 * DAY);
    await node.community.closeDueVotes();
    t.same(
      heard.slice(1).map((r) => [r.ref.id, r.outcome]),
      [
        ["p-no", "rejected"],
        ["p-lapse", "lapsed"],
      ],
      "a failed vote rejects, one without quorum lapses",
    );
  },
);

t.test("goods flows land on the ledger with their exchange, chained after the decisions", async (t) => {
  const node = await buildTestApp(t);
  const { recordGoodsFlow, verifyLedger } = await import("../../src/community/ledger-store.js");
  const { inTransaction } = await import("../../src/db/client.js");
  inTransaction(node.services.sqlite, () =>
    recordGoodsFlow(node.services.db, {
      direction: "outflow",
      resource: "flour",
      quantity: 500,
      unit: "kg",
      exchange: "https://a.example/proposals/1",
      counterpart: commitment.counterpart,
    }),
  );
  const ledger = JSON.parse(
    (await node.app.inject({ url: "/ledger", headers: { accept: "application/activity+json" } })).body,
  );
  t.match(ledger.orderedItems.at(-1), {
    entryType: "goods-outflow",
    payload: { resource: "flour", quantity: 500, exchange: "https://a.example/proposals/1" },
    content: /Sent 500 kg of flour/,
  });
  t.equal(verifyLedger(node.services.db).ok, true);
});
