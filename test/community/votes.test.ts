import t from "tap";
import { checkBallot, tally, windowState } from "../../src/community/votes.js";

const yn = ["yes", "no"];
const repeat = (choice: string, n: number) => Array.from({ length: n }, () => choice);

t.test("quorum: too few ballots is no-quorum whatever they say", async (t) => {
  const r = tally({ options: yn, choices: repeat("yes", 4), eligible: 10, quorum: 0.5, majority: "simple" });
  t.equal(r.outcome, "no-quorum");
  t.equal(r.needed, 5);
  t.equal(
    tally({ options: yn, choices: repeat("yes", 5), eligible: 10, quorum: 0.5, majority: "simple" }).outcome,
    "passed",
    "exactly the quorum counts",
  );
  t.equal(
    tally({ options: yn, choices: [], eligible: 10, quorum: 0, majority: "simple" }).outcome,
    "no-quorum",
    "nobody voting never passes",
  );
  t.equal(
    tally({ options: yn, choices: repeat("yes", 2), eligible: 3, quorum: 2 / 3, majority: "simple" }).outcome,
    "passed",
    "2 of 3 meets a 2/3 quorum",
  );
});

t.test("simple majority: more than half of the cast ballots", async (t) => {
  const r = tally({
    options: yn,
    choices: [...repeat("yes", 3), ...repeat("no", 2)],
    eligible: 5,
    quorum: 0.5,
    majority: "simple",
  });
  t.equal(r.outcome, "passed");
  t.same(r.counts, { yes: 3, no: 2 });
  t.equal(
    tally({
      options: yn,
      choices: [...repeat("yes", 2), ...repeat("no", 3)],
      eligible: 5,
      quorum: 0.5,
      majority: "simple",
    }).outcome,
    "failed",
  );
});

t.test("qualified majority: at least two thirds", async (t) => {
  const run = (yes: number, no: number) =>
    tally({
      options: yn,
      choices: [...repeat("yes", yes), ...repeat("no", no)],
      eligible: yes + no,
      quorum: 0.5,
      majority: "qualified",
    }).outcome;
  t.equal(run(2, 1), "passed", "exactly 2/3 passes");
  t.equal(run(6, 4), "failed", "60% is a simple majority but not a qualified one");
  t.equal(run(7, 3), "passed");
});

t.test("ties are ties, not decided by option order", async (t) => {
  t.equal(tally({ options: yn, choices: ["yes", "no"], eligible: 2, quorum: 0.5, majority: "simple" }).outcome, "tie");
  const three = tally({
    options: ["ana", "ben", "cleo"],
    choices: ["ana", "ben", "cleo", "ana", "ben"],
    eligible: 5,
    quorum: 0.5,
    majority: "simple",
  });
  t.equal(three.outcome, "tie");
  t.equal(three.winner, null);
});

t.test("several options: a plurality without a majority fails, a majority wins", async (t) => {
  const plural = tally({
    options: ["ana", "ben", "cleo"],
    choices: ["ana", "ana", "ben", "cleo"],
    eligible: 4,
    quorum: 0.5,
    majority: "simple",
  });
  t.equal(plural.outcome, "failed", "2 of 4 is not more than half");
  const win = tally({
    options: ["ana", "ben", "cleo"],
    choices: ["ana", "ana", "ana", "cleo"],
    eligible: 4,
    quorum: 0.5,
    majority: "simple",
  });
  t.equal(win.outcome, "passed");
  t.equal(win.winner, "ana");
});

t.test("a recall is a yes/no vote: passes like any other", async (t) => {
  const recall = tally({
    options: yn,
    choices: [...repeat("yes", 4), "no"],
    eligible: 6,
    quorum: 0.5,
    majority: "qualified",
  });
  t.equal(recall.outcome, "passed");
  t.equal(recall.winner, "yes");
});

t.test("an unknown choice in the ballots is a bug, not a silent miscount", async (t) => {
  t.throws(() => tally({ options: yn, choices: ["maybe"], eligible: 1, quorum: 0, majority: "simple" }), RangeError);
});

t.test("windows are half-open: closed at closesAt exactly", async (t) => {
  t.equal(windowState(999, 1000, 2000), "not-open");
  t.equal(windowState(1000, 1000, 2000), "open");
  t.equal(windowState(1999, 1000, 2000), "open");
  t.equal(windowState(2000, 1000, 2000), "closed");
});

t.test("ballot checks: own ballot only, eligible, inside the window, a real option", async (t) => {
  const base = {
    at: 1500,
    opensAt: 1000,
    closesAt: 2000,
    closed: false,
    options: yn,
    choice: "yes",
    voterEligible: true,
    onBehalfOf: undefined,
    voterId: 7,
  };
  t.same(checkBallot(base), { ok: true });
  t.same(checkBallot({ ...base, onBehalfOf: 7 }), { ok: true }, "naming yourself is fine");
  t.match(checkBallot({ ...base, onBehalfOf: 8 }), { ok: false, kind: "forbidden" });
  t.match(checkBallot({ ...base, voterEligible: false }), { ok: false, kind: "forbidden" });
  t.match(checkBallot({ ...base, at: 2000 }), { ok: false, kind: "conflict", reason: /closed/ });
  t.match(checkBallot({ ...base, at: 500 }), { ok: false, kind: "conflict", reason: /not opened/ });
  t.match(checkBallot({ ...base, closed: true }), { ok: false, kind: "conflict" });
  t.match(checkBallot({ ...base, choice: "maybe" }), { ok: false, kind: "unprocessable", reason: /yes, no/ });
});
