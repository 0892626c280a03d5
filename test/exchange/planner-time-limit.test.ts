/**
 * The node's planner time limit (--planner-time-limit): a round, or the
 * recomputation of a published round, that takes longer is stopped and says
 * so. The limits here are far below the planner thread's start-up time, so
 * every solve runs past them; a fresh thread is made sure of first.
 */
import t from "tap";
import pino from "pino";
import { PlanChecks } from "../../src/exchange/plan-checks.js";
import { findRound, insertRound } from "../../src/exchange/store.js";
import { stopPlannerThread } from "../../src/planning/off-thread.js";
import { buildTestApp, startRound } from "../helpers/test-app.js";

const TOO_SHORT = 0.001;
t.teardown(stopPlannerThread);

t.test("a round whose plan takes longer than the limit fails with 503, saying so, and proposes nothing", async (t) => {
  await stopPlannerThread();
  const node = await buildTestApp(t, { plannerTimeLimit: TOO_SHORT });
  const res = await startRound(node);
  t.equal(res.statusCode, 503, res.body);
  t.equal(res.headers["content-type"], "application/problem+json; charset=utf-8");
  t.match(res.json(), {
    type: "/problems/unavailable",
    detail: /ran longer than its time limit of 0.001 s and was stopped; nothing was proposed \(--planner-time-limit/,
  });
  const exchanges = (await node.app.inject({ url: "/api/exchanges", headers: node.auth })).json();
  t.same(exchanges.items, [], "no exchange was proposed");
});

t.test(
  "recomputing a round past the limit: 503 on /rounds/:id/verify (kept), unchecked on proposal pages",
  async (t) => {
    const source = await buildTestApp(t);
    const started = await startRound(source);
    t.equal(started.statusCode, 201, started.body);
    const row = findRound(source.services.db, started.json().id)!;

    const node = await buildTestApp(t, { plannerTimeLimit: TOO_SHORT });
    insertRound(node.services.db, row);
    await stopPlannerThread();
    const first = await node.app.inject({ url: `/rounds/${row.id}/verify` });
    t.equal(first.statusCode, 503, first.body);
    t.match(first.json(), {
      type: "/problems/unavailable",
      detail: /time limit of 0.001 s.*the round was not checked/,
    });
    const again = await node.app.inject({ url: `/rounds/${row.id}/verify` });
    t.same([again.statusCode, again.json()], [503, first.json()], "a later caller gets the same answer");

    await stopPlannerThread();
    const checks = new PlanChecks(node.services.db, node.services.config.origin, pino({ level: "silent" }), TOO_SHORT);
    t.same(checks.statusOf(row.uri), { status: "unchecked", detail: null }, "checked after the reply");
    await checks.settled();
    t.match(checks.statusOf(row.uri), { status: "unchecked", detail: /ran longer than its time limit/ });
    await checks.settled();
    t.match(checks.statusOf(row.uri), { status: "unchecked", detail: /time limit/ }, "and not queued again");
  },
);
