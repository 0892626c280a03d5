/**
 * A warm simplex re-solve that runs past solverLimits.warmIterationCap is
 * handed to the other simplex from the basis it reached (leximin.ts). At the
 * real cap that happens only on large binding networks; here the cap is set
 * so low that nearly every re-solve is handed over, and the plan must come
 * out as good as without it.
 */
import t from "tap";
import { generateProblem } from "../../bench/generate.js";
import { type SolveStats, solve, verifyPlan } from "../../src/planning/index.js";
import { solverLimits } from "../../src/planning/leximin.js";

t.test(
  "re-solves handed to the other simplex give the same ratios and transport, and a plan that verifies",
  async (t) => {
    const problem = generateProblem(50, 20, "binding", 2);
    const normalStats: SolveStats = { lpSolves: 0, maxFlows: 0, groups: 0, merges: 0 };
    const normal = await solve(problem, normalStats);
    const cap = solverLimits.warmIterationCap;
    solverLimits.warmIterationCap = 5;
    const handedStats: SolveStats = { lpSolves: 0, maxFlows: 0, groups: 0, merges: 0 };
    const handed = await solve(problem, handedStats).finally(() => {
      solverLimits.warmIterationCap = cap;
    });
    t.ok(normalStats.lpSolves > 10, `the problem needs the LP (${normalStats.lpSolves} solves)`);
    t.ok(
      handedStats.lpSolves > normalStats.lpSolves + 10,
      `re-solves were handed over (${handedStats.lpSolves} solves counting hand-overs, against ${normalStats.lpSolves})`,
    );
    const ratio = new Map(normal.needs.map((n) => [n.need, n.ratio]));
    const worst = Math.max(...handed.needs.map((n) => Math.abs(n.ratio - ratio.get(n.need)!)));
    t.ok(worst <= 1e-6, `every need's ratio is the same to 1e-6 (largest difference ${worst})`);
    const [a, b] = [normal.transportKgKm, handed.transportKgKm];
    t.ok(Math.abs(a - b) <= 1e-6 * a, `the same transport (${a.toFixed(3)} and ${b.toFixed(3)} kg·km)`);
    t.same(await verifyPlan(problem, handed), [], "the plan verifies");
  },
);
