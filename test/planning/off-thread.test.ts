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
  const plans = await Promise.all(problems.map(solveOffThread));
  for (const [i, p] of problems.entries())
    t.equal(canonicalJson(plans[i]!), canonicalJson(await solve(p)), `problem ${i + 1}`);
});

t.test("after the thread is stopped, the next solve starts a new one", async (t) => {
  await stopPlannerThread();
  const plan = await solveOffThread(generateProblem(50, 5, "loose", 4));
  t.ok(plan.needs.length > 0);
});
