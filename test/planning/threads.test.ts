/**
 * Independent groups solved in worker threads give the same plan, byte for
 * byte, as one thread. The problem has two regions far apart; in each, two
 * resources need the same narrow leg, so the first pass ends with two merged
 * groups, which is what sends work to the threads.
 */
import t from "tap";
import { canonicalJson, type Problem, type SolveStats, solve } from "../../src/planning/index.js";

function region(tag: string): Pick<Problem, "communities" | "offers" | "needs" | "legs"> {
  const c = (i: number) => `https://${tag}.example/c/${i}`;
  return {
    communities: [0, 1, 2].map((i) => ({ id: c(i) })),
    offers: [
      { id: `${tag}-o-rice`, community: c(0), resource: `${tag}-rice`, quantity: 80 },
      { id: `${tag}-o-beans`, community: c(0), resource: `${tag}-beans`, quantity: 60 },
    ],
    needs: [
      { id: `${tag}-n-rice-1`, community: c(1), resource: `${tag}-rice`, quantity: 50, priority: "essential" },
      { id: `${tag}-n-rice-2`, community: c(2), resource: `${tag}-rice`, quantity: 40, priority: "important" },
      { id: `${tag}-n-beans-1`, community: c(1), resource: `${tag}-beans`, quantity: 45, priority: "essential" },
      { id: `${tag}-n-beans-2`, community: c(2), resource: `${tag}-beans`, quantity: 30, priority: "ordinary" },
    ],
    legs: [
      // The narrow leg both resources need: 70 kg for 80 kg of rice and 60 kg of beans.
      { id: `${tag}-l01`, from: c(0), to: c(1), capacityKg: 70, distanceKm: 10 },
      { id: `${tag}-l12`, from: c(1), to: c(2), capacityKg: 500, distanceKm: 8 },
      { id: `${tag}-l02`, from: c(0), to: c(2), capacityKg: 30, distanceKm: 25 },
    ],
  };
}

const north = region("north");
const south = region("south");
const problem: Problem = {
  version: 1,
  communities: [...north.communities, ...south.communities],
  resources: ["north", "south"].flatMap((tag) => [
    { id: `${tag}-rice`, unit: "kg", kgPerUnit: 1 },
    { id: `${tag}-beans`, unit: "kg", kgPerUnit: 1 },
  ]),
  offers: [...north.offers, ...south.offers],
  needs: [...north.needs, ...south.needs],
  legs: [...north.legs, ...south.legs],
};

const stats = (): SolveStats => ({ lpSolves: 0, maxFlows: 0, groups: 0, merges: 0, threadedGroups: 0 });

t.test("two threads solve the two merged groups and give the same bytes as one", async (t) => {
  const alone = stats();
  const single = canonicalJson(await solve(problem, alone));
  const shared = stats();
  const threaded = canonicalJson(await solve(problem, shared, { threads: 2 }));
  t.equal(alone.threadedGroups, 0, "one thread: nothing sent to workers");
  t.equal(shared.merges, 2, "the first pass ends with two merged groups");
  t.equal(shared.threadedGroups, 2, "both merged groups were solved in worker threads");
  t.equal(threaded, single);
  t.equal(shared.lpSolves, alone.lpSolves, "the workers did the same work");
  const plan = JSON.parse(threaded) as { needs: { need: string; ratio: number }[] };
  const ratio = (id: string) => plan.needs.find((n) => n.need === id)!.ratio;
  // Both regions are the same problem: the same ratios in each.
  for (const need of ["rice-1", "rice-2", "beans-1", "beans-2"])
    t.equal(ratio(`north-n-${need}`), ratio(`south-n-${need}`));
  t.ok(ratio("north-n-rice-1") < 1, "the narrow leg binds");
});
