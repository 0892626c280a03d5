/**
 * The network simplex against HiGHS on the same minimum-cost flow LPs:
 * random networks (finite and infinite room, zero-cost arcs, parallel arcs),
 * plus the cases a caller relies on: what cannot be routed is reported, an
 * unbounded problem gives nothing, and the same input gives the same flows.
 */
import fc from "fast-check";
import t from "tap";
import highsModule from "highs";
import { type MinCostFlowProblem, minCostFlow } from "../../src/planning/netsimplex.js";

type Loader = (typeof highsModule)["default"];
const loadHighs: Loader =
  typeof highsModule === "function" ? (highsModule as unknown as Loader) : (highsModule as { default: Loader }).default;

/** Optimal cost by HiGHS: min cost·x, 0 ≤ x ≤ cap, outflow − inflow = supply at every node. */
const highsRuntime = loadHighs();

async function lpOptimum(p: MinCostFlowProblem): Promise<number | undefined> {
  const highs = await highsRuntime;
  const m = p.from.length;
  const starts = new Int32Array(m + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let e = 0; e < m; e++) {
    indices.push(p.from[e]!, p.to[e]!);
    values.push(1, -1);
    starts[e + 1] = indices.length;
  }
  const model = highs.createModel({
    numCols: m,
    numRows: p.nodes,
    sense: highs.constants.objectiveSense.minimize,
    colCost: Float64Array.from(p.cost),
    colLower: new Float64Array(m),
    colUpper: Float64Array.from(p.cap, (c) => (Number.isFinite(c) ? c : highs.infinity)),
    rowLower: Float64Array.from(p.supply),
    rowUpper: Float64Array.from(p.supply),
    matrix: {
      format: "csc",
      numRows: p.nodes,
      numCols: m,
      starts,
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  });
  try {
    model.options.set({ output_flag: false });
    const status = model.run().modelStatus;
    return status === highs.constants.modelStatus.optimal ? model.getObjectiveValue() : undefined;
  } finally {
    model.dispose();
  }
}

function cost(p: MinCostFlowProblem, flow: Float64Array): number {
  let c = 0;
  flow.forEach((f, e) => {
    c += f * p.cost[e]!;
  });
  return c;
}

function balanceErrors(p: MinCostFlowProblem, flow: Float64Array): number {
  const net = Float64Array.from(p.supply);
  flow.forEach((f, e) => {
    net[p.from[e]!]! -= f;
    net[p.to[e]!]! += f;
  });
  return net.reduce((s, x) => s + Math.abs(x), 0);
}

/** Feasible by construction: supplies and demands come from a flow that fits the room. */
const problemArb: fc.Arbitrary<MinCostFlowProblem> = fc
  .record({
    n: fc.integer({ min: 2, max: 12 }),
    arcs: fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 50 }),
      ),
      { minLength: 1, maxLength: 40, size: "max" },
    ),
  })
  .map(({ n, arcs }) => {
    const kept = arcs.filter(([a, b]) => a % n !== b % n);
    const supply = new Float64Array(n);
    const cap = new Float64Array(kept.length);
    kept.forEach(([a, b, room, , endless, used], e) => {
      cap[e] = endless ? Number.POSITIVE_INFINITY : room;
      const f = Math.min(used, endless ? used : room) / 3;
      supply[a % n]! += f;
      supply[b % n]! -= f;
    });
    return {
      nodes: n,
      from: Int32Array.from(kept, ([a]) => a % n),
      to: Int32Array.from(kept, ([, b]) => b % n),
      cap,
      cost: Float64Array.from(kept, ([, , , c]) => c / 7),
      supply,
    };
  })
  .filter((p) => p.from.length > 0);

t.test("reaches the LP optimum on random feasible networks", async (t) => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(problemArb, async (p) => {
      checked++;
      const got = minCostFlow(p);
      if (!got) throw new Error("no solution for a bounded problem");
      const best = await lpOptimum(p);
      if (best === undefined) throw new Error("HiGHS found no optimum");
      if (got.unrouted > 1e-9) throw new Error(`left ${got.unrouted} unrouted`);
      if (balanceErrors(p, got.flow) > 1e-9) throw new Error("flows do not balance");
      got.flow.forEach((f, e) => {
        if (f < 0 || f > p.cap[e]!) throw new Error(`arc ${e} outside its bounds: ${f}`);
      });
      const c = cost(p, got.flow);
      if (Math.abs(c - best) > 1e-9 * Math.max(1, Math.abs(best))) throw new Error(`cost ${c}, LP ${best}`);
    }),
    { seed: 20261129, numRuns: 300 },
  );
  t.equal(checked, 300, "300 random networks matched HiGHS's optimum");
});

t.test("reports what cannot be routed instead of pretending", async (t) => {
  // 10 must go from 0 to 2, but the only way carries 4.
  const got = minCostFlow({
    nodes: 3,
    from: Int32Array.of(0, 1),
    to: Int32Array.of(1, 2),
    cap: Float64Array.of(4, 100),
    cost: Float64Array.of(1, 1),
    supply: Float64Array.of(10, 0, -10),
  });
  t.ok(got);
  t.equal(got!.unrouted, 6);
  t.same([...got!.flow], [4, 4]);
});

t.test("prefers the cheaper of two ways and fills it first", async (t) => {
  const got = minCostFlow({
    nodes: 3,
    from: Int32Array.of(0, 0, 1),
    to: Int32Array.of(2, 1, 2),
    cap: Float64Array.of(10, 3, Number.POSITIVE_INFINITY),
    cost: Float64Array.of(5, 1, 1),
    supply: Float64Array.of(8, 0, -8),
  });
  t.same([...got!.flow], [5, 3, 3]);
  t.equal(got!.unrouted, 0);
});

t.test("a negative cycle without room limits is unbounded: no answer", async (t) => {
  const got = minCostFlow({
    nodes: 2,
    from: Int32Array.of(0, 1),
    to: Int32Array.of(1, 0),
    cap: Float64Array.of(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY),
    cost: Float64Array.of(-1, 0),
    supply: Float64Array.of(0, 0),
  });
  t.equal(got, undefined);
});

t.test("the same problem gives the same flows", async (t) => {
  const [p] = fc.sample(problemArb, { seed: 7, numRuns: 1 });
  t.ok(p!.from.length > 5, "a network with some arcs");
  t.same([...minCostFlow(p!)!.flow], [...minCostFlow(p!)!.flow]);
});
