import t from "tap";
import { generateProblem } from "../../bench/generate.js";
import { canonicalJson, solve } from "../../src/planning/index.js";
import { solveOffThread, stopPlannerThread } from "../../src/planning/off-thread.js";
import type { Problem } from "../../src/planning/types.js";

t.teardown(stopPlannerThread);

t.test("the planner thread gives the same plan as solving in place, and the event loop keeps turning", async (t) => {
  const problem = generateProblem(50, 20, "binding", 3);
  // Warm both paths first (thread start, WASM compile) so only the solve itself is timed.
  await Promise.all([solveOffThread(generateProblem(50, 5, "loose", 9)), solve(generateProblem(50, 5, "loose", 9))]);
  let last = performance.now();
  let longestStall = 0;
  const beat = setInterval(() => {
    const now = performance.now();
    longestStall = Math.max(longestStall, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  const off = await solveOffThread(problem);
  const offMs = performance.now() - started;
  clearInterval(beat);
  longestStall = Math.max(longestStall, performance.now() - last);

  const inPlace = await solve(problem);
  t.equal(canonicalJson(off), canonicalJson(inPlace), "byte-identical plans");
  t.ok(off.flows.length > 0, "the plan moves goods");
  // Solved in place, the loop would stall for the whole solve; here only for ordinary scheduling hiccups.
  t.ok(
    longestStall < Math.max(250, offMs / 2),
    `longest event-loop stall ${longestStall.toFixed(0)} ms during a ${offMs.toFixed(0)} ms solve`,
  );
});

t.test("a failing solve is reported and the thread keeps serving", async (t) => {
  const broken = {
    version: 1,
    communities: [],
    resources: [],
    offers: [],
    needs: [],
    legs: null,
  } as unknown as Problem;
  await t.rejects(solveOffThread(broken), /planner failed/);
  const plan = await solveOffThread(generateProblem(50, 5, "loose", 1));
  t.ok(plan.needs.length > 0, "the next problem is solved");
});

t.test("solves sent together are all answered, each with its own plan", async (t) => {
  const problems = [1, 2, 3].map((seed) => generateProblem(50, 5, "loose", seed));
  const plans = await Promise.all(problems.map((p) => solveOffThread(p)));
  for (const [i, p] of problems.entries())
    t.equal(canonicalJson(plans[i]!), canonicalJson(await solve(p)), `problem ${i + 1}`);
});

t.test("after the thread is stopped, the next solve starts a new one", async (t) => {
  await stopPlannerThread();
  const plan = await solveOffThread(generateProblem(50, 5, "loose", 4));
  t.ok(plan.needs.length > 0);
});

t.test("a solve past its time limit is stopped, says so, and the next solve gets a fresh thread", async (t) => {
  // Takes seconds to solve (binding room merges its resources into one LP).
  const slow = generateProblem(200, 20, "binding");
  const started = performance.now();
  const overdue = solveOffThread(slow, { timeLimitSeconds: 0.5 });
  const queued = solveOffThread(generateProblem(50, 5, "loose", 5));
  await t.rejects(overdue, {
    name: "PlannerTimeLimitError",
    message: /ran longer than its time limit of 0.5 s and was stopped/,
  });
  const waited = performance.now() - started;
  t.ok(waited < 3000, `stopped after ${waited.toFixed(0)} ms, not when the solve would have ended`);
  t.ok(waited >= 500, "not before its limit");
  await t.rejects(
    queued,
    /a solve before this one ran past its time limit; try again/,
    "the solve queued behind it is told why",
  );
  const small = generateProblem(50, 5, "loose", 6);
  t.equal(
    canonicalJson(await solveOffThread(small, { timeLimitSeconds: 60 })),
    canonicalJson(await solve(small)),
    "the next solve works",
  );
});

t.test("a solve's time limit counts from when the thread starts on it, not while it waits", async (t) => {
  const ahead = solveOffThread(generateProblem(50, 50, "binding"));
  const behind = generateProblem(50, 5, "loose", 7);
  const started = performance.now();
  const plan = await solveOffThread(behind, { timeLimitSeconds: 0.5 });
  const waited = performance.now() - started;
  t.ok(waited > 500, `it waited ${waited.toFixed(0)} ms behind the solve ahead, longer than its own limit`);
  t.equal(canonicalJson(plan), canonicalJson(await solve(behind)), "and was solved all the same");
  t.ok((await ahead).needs.length > 0);
});
