import t from "tap";
import {
  buildProblem,
  checkRound,
  problemDigest,
  proposalsFromPlan,
  type RoundInputs,
} from "../../src/exchange/round.js";
import { PLANNER_VERSION, solve } from "../../src/planning/index.js";

const A = "https://a.example/actors/a";
const B = "https://b.example/actors/b";
const C = "https://c.example/actors/c";
const inputs: RoundInputs = {
  communities: [{ id: C }, { id: A }, { id: B }],
  resources: [
    { id: "https://a.example/resources/beds", unit: "bed-night", kgPerUnit: 0 },
    { id: "https://a.example/resources/potato", unit: "kg", kgPerUnit: 1 },
  ],
  offers: [
    { id: "https://a.example/offers/1", community: A, resource: "https://a.example/resources/potato", quantity: 100 },
    { id: "https://a.example/offers/2", community: A, resource: "https://a.example/resources/beds", quantity: 5 },
  ],
  needs: [
    {
      id: "https://c.example/needs/1",
      community: C,
      resource: "https://a.example/resources/potato",
      quantity: 60,
      priority: "essential",
    },
    {
      id: "https://b.example/needs/1",
      community: B,
      resource: "https://a.example/resources/potato",
      quantity: 90,
      priority: "ordinary",
    },
    {
      id: "https://c.example/needs/2",
      community: C,
      resource: "https://a.example/resources/beds",
      quantity: 2.5,
      priority: "important",
    },
  ],
  legs: [
    {
      id: "leg-ab",
      from: A,
      to: B,
      capacityKg: 1000,
      distanceKm: 10,
      driver: "https://a.example/actors/driver-1",
      departure: "dep-1",
    },
    {
      id: "leg-bc",
      from: B,
      to: C,
      capacityKg: 1000,
      distanceKm: 12,
      driver: "https://a.example/actors/driver-1",
      departure: "dep-1",
    },
  ],
};

t.test("the round's problem is canonical: list order does not change its digest", async (t) => {
  const shuffled = { ...inputs, offers: [...inputs.offers].reverse(), legs: [...inputs.legs].reverse() };
  t.equal(problemDigest(buildProblem(shuffled)), problemDigest(buildProblem(inputs)));
  t.match(problemDigest(buildProblem(inputs)), /^sha256:[0-9a-f]{64}$/);
  const changed = { ...inputs, offers: [{ ...inputs.offers[0]!, quantity: 99 }, inputs.offers[1]!] };
  t.not(problemDigest(buildProblem(changed)), problemDigest(buildProblem(inputs)), "any input change shows");
});

t.test("flows become proposals with rounded quantities, legs and drivers", async (t) => {
  const problem = buildProblem(inputs);
  const plan = await solve(problem);
  const digest = problemDigest(problem);
  const drafts = proposalsFromPlan(inputs, plan, {
    deadline: "2026-12-01T00:00:00.000Z",
    plannerVersion: PLANNER_VERSION,
    digest,
  });
  const potatoToC = drafts.find((d) => d.need === "https://c.example/needs/1");
  t.equal(potatoToC?.facts.quantity, 60, "the essential need is met in full");
  t.same(
    potatoToC?.facts.legs.map((l) => l.id),
    ["leg-ab", "leg-bc"],
  );
  t.equal(potatoToC?.facts.legs[0]?.driver, "https://a.example/actors/driver-1");
  const potatoToB = drafts.find((d) => d.need === "https://b.example/needs/1");
  t.equal(potatoToB?.facts.quantity, 40, "the ordinary need gets what is left");
  const beds = drafts.find((d) => d.need === "https://c.example/needs/2");
  t.equal(beds?.facts.quantity, 2, "2.5 bed-nights round down to 2");
  t.ok(drafts.every((d) => d.facts.digest === digest && d.facts.plannerVersion === PLANNER_VERSION));
});

t.test("any node can check a published round; tampering shows", async (t) => {
  const problem = buildProblem(inputs);
  const plan = await solve(problem);
  const digest = problemDigest(problem);
  t.same(checkRound(problem, { digest, plan }, await solve(problem)), { ok: true });

  const tamperedPlan = { ...plan, flows: plan.flows.map((f, i) => (i === 0 ? { ...f, quantity: f.quantity + 1 } : f)) };
  t.match(checkRound(problem, { digest, plan: tamperedPlan }, await solve(problem)), {
    ok: false,
    reason: "plan-mismatch",
  });

  const tamperedInputs = { ...problem, needs: problem.needs.slice(1) };
  t.match(checkRound(tamperedInputs, { digest, plan }, await solve(tamperedInputs)), {
    ok: false,
    reason: "digest-mismatch",
  });
});
