import fc from "fast-check";
import t from "tap";
import { canonicalJson, type Problem, solve } from "../../src/planning/index.js";
import { problemArb, shuffled } from "./helpers.js";

const shuffle = (p: Problem, seed: number): Problem => ({
  version: 1,
  communities: shuffled(p.communities, seed),
  resources: shuffled(p.resources, seed + 1),
  offers: shuffled(p.offers, seed + 2),
  needs: shuffled(p.needs, seed + 3),
  legs: shuffled(p.legs, seed + 4),
});

t.test("solving twice gives byte-identical JSON; shuffled lists give the same plan", async (t) => {
  await fc.assert(
    fc.asyncProperty(problemArb, fc.nat(), async (p, seed) => {
      const a = canonicalJson(await solve(p));
      const b = canonicalJson(await solve(p));
      const c = canonicalJson(await solve(shuffle(p, seed)));
      return a === b && a === c;
    }),
    { seed: 20261129, numRuns: 60 },
  );
  t.pass("60 generated problems");
});

t.test("canonicalJson sorts keys, drops undefined and writes -0 as 0", async (t) => {
  t.equal(canonicalJson({ b: [1, -0, { z: 1, a: "x" }], a: undefined, c: null }), '{"b":[1,0,{"a":"x","z":1}],"c":null}');
  t.throws(() => canonicalJson({ x: Number.NaN }));
});
