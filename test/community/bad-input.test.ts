import t from "tap";
import { call, DAY, manualClock, withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";

const clock = manualClock("2026-11-26T12:00:00Z");

/** Everything the database holds that a refused request must not change. */
function snapshot(node: Awaited<ReturnType<typeof buildTestApp>>) {
  const q = (sql: string) => node.services.sqlite.prepare(sql).all();
  return JSON.stringify([
    q("SELECT * FROM ballots"),
    q("SELECT * FROM vouchers"),
    q("SELECT * FROM voucher_spends"),
    q("SELECT * FROM ledger_entries"),
    q("SELECT * FROM votes"),
  ]);
}
const attempts = (node: Awaited<ReturnType<typeof buildTestApp>>) =>
  node.services.sqlite
    .prepare("SELECT member_id AS memberId, action, reason FROM refused_attempts ORDER BY id")
    .all() as { memberId: number | null; action: string; reason: string }[];

t.test(
  "votes: twice, on behalf of another, outside the window, unknown choice → 4xx, nothing changed, logged",
  async (t) => {
    const node = await buildTestApp(t);
    const m = await withMembers(node, ["ana", "ben"]);
    clock.advance(1000);
    const v = (await call(node, "POST", "/api/votes", m.ana!.token, { question: "Paint the hall green?" })).body;
    t.equal((await call(node, "POST", `/api/votes/${v.id}/ballot`, m.ana!.token, { choice: "yes" })).status, 201);
    const before = snapshot(node);

    const twice = await call(node, "POST", `/api/votes/${v.id}/ballot`, m.ana!.token, { choice: "no" });
    t.equal(twice.status, 409);
    t.match(twice.body.detail, /already voted/);
    const proxy = await call(node, "POST", `/api/votes/${v.id}/ballot`, m.ana!.token, {
      choice: "yes",
      memberId: m.ben!.id,
    });
    t.equal(proxy.status, 403);
    t.match(proxy.body.detail, /your own ballot/);
    const unknown = await call(node, "POST", `/api/votes/${v.id}/ballot`, m.ben!.token, { choice: "maybe" });
    t.match(unknown.body, { status: 400, errors: [{ name: "choice" }] });
    t.equal(snapshot(node), before, "refused ballots changed nothing");

    t.equal(
      (await call(node, "PUT", `/api/votes/${v.id}/ballot`, m.ana!.token, { choice: "no" })).status,
      200,
      "changing inside the window is allowed",
    );
    t.equal((await call(node, "GET", `/api/votes/${v.id}`, m.ana!.token)).body.myChoice, "no");

    clock.set(v.closesAt);
    const late = await call(node, "POST", `/api/votes/${v.id}/ballot`, m.ben!.token, { choice: "yes" });
    t.equal(late.status, 409, "at closesAt exactly the window is closed");
    t.match(late.body.detail, /closed/);
    t.equal(
      (await call(node, "PUT", `/api/votes/${v.id}/ballot`, m.ana!.token, { choice: "yes" })).status,
      409,
      "no changes after the window",
    );

    const early = (
      await call(node, "POST", "/api/votes", m.ana!.token, {
        question: "Later?",
        opensAt: new Date(clock.now() + DAY).toISOString(),
      })
    ).body;
    t.equal(
      (await call(node, "POST", `/api/votes/${early.id}/ballot`, m.ana!.token, { choice: "yes" })).status,
      409,
      "not before it opens",
    );

    const closed = await call(node, "GET", `/api/votes/${v.id}`);
    t.same(closed.body.result.counts, { yes: 0, no: 1 }, "the changed ballot counted, once");
    t.equal(closed.body.outcome, "failed");
    const secret = node.services.sqlite.prepare("SELECT COUNT(*) AS n FROM ballots WHERE vote_id = ?").get(v.id) as {
      n: number;
    };
    t.equal(secret.n, 0, "secret ballots are forgotten once counted");

    t.same(
      attempts(node).map((a) => [a.memberId, a.action]),
      [
        [m.ana!.id, `cast-ballot:${v.id}`],
        [m.ana!.id, `cast-ballot:${v.id}`],
        [m.ben!.id, `cast-ballot:${v.id}`],
        [m.ben!.id, `cast-ballot:${v.id}`],
        [m.ana!.id, `change-ballot:${v.id}`],
        [m.ana!.id, `cast-ballot:${early.id}`],
      ],
      "every refused attempt is logged with who and what",
    );
    t.equal((await call(node, "GET", "/api/attempts", m.ana!.token)).status, 403, "members are not coordinators");
    t.equal(
      (await call(node, "GET", "/api/attempts", node.token)).body.items.length,
      7,
      "the coordinator sees them (plus this refusal)",
    );
  },
);

t.test("members who join after a vote opened cannot vote in it", async (t) => {
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana"]);
  clock.advance(1000);
  const v = (await call(node, "POST", "/api/votes", m.ana!.token, { question: "Quiet hours after ten?" })).body;
  clock.advance(1000);
  const late = await withMembers(node, ["zed"]);
  const r = await call(node, "POST", `/api/votes/${v.id}/ballot`, late.zed!.token, { choice: "yes" });
  t.equal(r.status, 403);
  t.match(r.body.detail, /joined before the vote opened/);
});

t.test("open ballots: who chose what is public, on the vote and the ledger", async (t) => {
  const node = await buildTestApp(t);
  await call(node, "PUT", "/api/policy", node.token, { ballots: "open" });
  const m = await withMembers(node, ["ana", "ben"]);
  clock.advance(1000);
  const v = (await call(node, "POST", "/api/votes", m.ana!.token, { question: "Quiet hours after ten?" })).body;
  await call(node, "POST", `/api/votes/${v.id}/ballot`, m.ben!.token, { choice: "no" });
  t.same((await call(node, "GET", `/api/votes/${v.id}`)).body.openBallots, [{ member: m.ben!.id, choice: "no" }]);
  clock.advance(4 * DAY);
  await call(node, "POST", "/api/votes/close-due", m.ana!.token);
  const ledger = JSON.parse(
    (await node.app.inject({ url: "/ledger", headers: { accept: "application/activity+json" } })).body,
  );
  t.same(ledger.orderedItems.at(-1).payload.ballots, [{ member: "ben", choice: "no" }]);
});
