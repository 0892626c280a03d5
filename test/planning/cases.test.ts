import t from "tap";
import { type Plan, type Priority, type Problem, solve, verifyPlan } from "../../src/planning/index.js";

interface Spec {
  communities: string[];
  resources: [id: string, kgPerUnit: number][];
  offers: [id: string, community: string, resource: string, quantity: number][];
  needs: [id: string, community: string, resource: string, quantity: number, priority: Priority][];
  legs: [id: string, from: string, to: string, capacityKg: number, distanceKm: number][];
}

function mk(s: Spec): Problem {
  return {
    version: 1,
    communities: s.communities.map((id) => ({ id })),
    resources: s.resources.map(([id, kgPerUnit]) => ({ id, unit: "unit", kgPerUnit })),
    offers: s.offers.map(([id, community, resource, quantity]) => ({ id, community, resource, quantity })),
    needs: s.needs.map(([id, community, resource, quantity, priority]) => ({
      id,
      community,
      resource,
      quantity,
      priority,
    })),
    legs: s.legs.map(([id, from, to, capacityKg, distanceKm]) => ({ id, from, to, capacityKg, distanceKm })),
  };
}

const ratios = (plan: Plan) => Object.fromEntries(plan.needs.map((n) => [n.need, n.ratio]));

const near = (a: number | undefined, b: number) =>
  a !== undefined && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
const flowsTo = (plan: Plan, need: string) => plan.flows.filter((f) => f.need === need);

t.test("scarcity is shared in proportion to the need", async (t) => {
  const p = mk({
    communities: ["A", "B", "C"],
    resources: [["rice", 1]],
    offers: [["o1", "A", "rice", 100]],
    needs: [
      ["nB", "B", "rice", 50, "essential"],
      ["nC", "C", "rice", 150, "essential"],
    ],
    legs: [
      ["AB", "A", "B", 1000, 10],
      ["AC", "A", "C", 1000, 20],
    ],
  });
  const plan = await solve(p);
  t.ok(near(ratios(plan).nB, 0.5) && near(ratios(plan).nC, 0.5), "both get half");
  t.ok(near(plan.transportKgKm, 25 * 10 + 75 * 20), "transport");
  t.same(await verifyPlan(p, plan), []);
});

t.test("a bottleneck leg caps one need and the rest goes to the other", async (t) => {
  const p = mk({
    communities: ["A", "B", "C"],
    resources: [["rice", 2]],
    offers: [["o1", "A", "rice", 100]],
    needs: [
      ["nB", "B", "rice", 100, "essential"],
      ["nC", "C", "rice", 100, "essential"],
    ],
    legs: [
      ["AB", "A", "B", 40, 10],
      ["AC", "A", "C", 1000, 10],
    ],
  });
  const plan = await solve(p);
  t.ok(near(ratios(plan).nB, 0.2), `nB ${ratios(plan).nB}`);
  t.ok(near(ratios(plan).nC, 0.8), `nC ${ratios(plan).nC}`);
  t.ok(near(plan.transportKgKm, 100 * 2 * 10), "kg·km counts kgPerUnit");
});

t.test("multi-hop paths follow the legs in order and take the shortest way", async (t) => {
  const p = mk({
    communities: ["A", "B", "C", "D"],
    resources: [["rice", 1]],
    offers: [["o1", "A", "rice", 30]],
    needs: [["n1", "D", "rice", 30, "ordinary"]],
    legs: [
      ["1-AB", "A", "B", 1000, 5],
      ["2-BC", "B", "C", 1000, 5],
      ["3-CD", "C", "D", 1000, 5],
      ["0-AD", "A", "D", 1000, 40],
    ],
  });
  const plan = await solve(p);
  t.same(plan.flows, [{ offer: "o1", need: "n1", quantity: 30, legs: ["1-AB", "2-BC", "3-CD"] }]);
  t.equal(plan.transportKgKm, 450);
});

t.test("a path is split when one hop is too small", async (t) => {
  const p = mk({
    communities: ["A", "B", "C"],
    resources: [["rice", 1]],
    offers: [["o1", "A", "rice", 30]],
    needs: [["n1", "C", "rice", 30, "ordinary"]],
    legs: [
      ["AB", "A", "B", 10, 5],
      ["BC", "B", "C", 1000, 5],
      ["AC", "A", "C", 1000, 50],
    ],
  });
  const plan = await solve(p);
  t.same(plan.flows, [
    { offer: "o1", need: "n1", quantity: 10, legs: ["AB", "BC"] },
    { offer: "o1", need: "n1", quantity: 20, legs: ["AC"] },
  ]);
  t.equal(plan.transportKgKm, 10 * 10 + 20 * 50);
});

t.test("priorities override totals: essential rice before ordinary water on a shared leg", async (t) => {
  const p = mk({
    communities: ["A", "B"],
    resources: [
      ["rice", 1],
      ["water", 0.5],
    ],
    offers: [
      ["or", "A", "rice", 100],
      ["ow", "A", "water", 200],
    ],
    needs: [
      ["nr", "B", "rice", 100, "essential"],
      ["nw", "B", "water", 200, "ordinary"],
    ],
    legs: [["AB", "A", "B", 100, 1]],
  });
  const plan = await solve(p);
  t.ok(near(ratios(plan).nr, 1), "essential fully served");
  t.ok(near(ratios(plan).nw, 0), "ordinary gets what is left: nothing");
  t.same(await verifyPlan(p, plan), []);
});

t.test("levels within a class are filled before the next class", async (t) => {
  const p = mk({
    communities: ["A", "B", "C"],
    resources: [["rice", 1]],
    offers: [["o1", "A", "rice", 100]],
    needs: [
      ["e1", "B", "rice", 40, "essential"],
      ["i1", "C", "rice", 100, "important"],
      ["o1", "C", "rice", 100, "ordinary"],
    ],
    legs: [
      ["AB", "A", "B", 1000, 1],
      ["AC", "A", "C", 1000, 1],
    ],
  });
  const plan = await solve(p);
  t.same([ratios(plan).e1, ratios(plan).i1, ratios(plan).o1], [1, 0.6, 0]);
});

t.test("weightless resources cross legs with no room and haul nothing", async (t) => {
  const p = mk({
    communities: ["A", "B"],
    resources: [["licence", 0]],
    offers: [["o1", "A", "licence", 5]],
    needs: [["n1", "B", "licence", 5, "important"]],
    legs: [["AB", "A", "B", 0, 100]],
  });
  const plan = await solve(p);
  t.same(plan.flows, [{ offer: "o1", need: "n1", quantity: 5, legs: ["AB"] }]);
  t.equal(plan.transportKgKm, 0);
});

t.test("a need nothing can reach gets ratio 0 and no flow", async (t) => {
  const p = mk({
    communities: ["A", "B", "C"],
    resources: [
      ["rice", 1],
      ["salt", 1],
    ],
    offers: [["o1", "A", "rice", 100]],
    needs: [
      ["island", "C", "rice", 10, "essential"],
      ["noSalt", "B", "salt", 10, "essential"],
      ["ok", "B", "rice", 10, "ordinary"],
    ],
    legs: [
      ["AB", "A", "B", 1000, 1],
      ["CA", "C", "A", 1000, 1],
    ],
  });
  const plan = await solve(p);
  t.same(ratios(plan), { island: 0, noSalt: 0, ok: 1 });
  t.same(flowsTo(plan, "island"), []);
  t.same(await verifyPlan(p, plan), []);
});

t.test("a leg with no room carries nothing that weighs", async (t) => {
  const p = mk({
    communities: ["A", "B"],
    resources: [["rice", 1]],
    offers: [["o1", "A", "rice", 100]],
    needs: [["n1", "B", "rice", 10, "essential"]],
    legs: [["AB", "A", "B", 0, 1]],
  });
  t.same(ratios(await solve(p)), { n1: 0 });
});

t.test("offer and need in the same community: served locally, no legs", async (t) => {
  const p = mk({
    communities: ["A", "B"],
    resources: [["rice", 1]],
    offers: [
      ["local", "A", "rice", 20],
      ["remote", "B", "rice", 100],
    ],
    needs: [["n1", "A", "rice", 50, "essential"]],
    legs: [["BA", "B", "A", 1000, 10]],
  });
  const plan = await solve(p);
  t.same(plan.flows, [
    { offer: "local", need: "n1", quantity: 20, legs: [] },
    { offer: "remote", need: "n1", quantity: 30, legs: ["BA"] },
  ]);
  t.equal(plan.transportKgKm, 300);
});

t.test("an empty problem gives an empty plan", async (t) => {
  const plan = await solve(mk({ communities: [], resources: [], offers: [], needs: [], legs: [] }));
  t.same(plan, { version: 1, flows: [], needs: [], transportKgKm: 0 });
});
