/**
 * The benchmark's options (bench/planner.ts): a bad one is refused before any
 * case runs, and --room scales only the room of `binding` legs.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import t from "tap";
import { generateProblem } from "../../bench/generate.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

function bench(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "bench/run.ts", "planner", ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: r.status, stderr: r.stderr };
}

t.test("a --room that is not a number above 0 is refused with exit 2", async (t) => {
  for (const room of ["0", "-1", "abc"]) {
    const r = bench(["--room", room]);
    t.equal(r.code, 2, `--room ${room}`);
    t.match(r.stderr, `--room must be a number above 0, not ${room}`);
  }
  const threads = bench(["--threads", "0"]);
  t.equal(threads.code, 2);
  t.match(threads.stderr, "--threads must be a whole number of at least 1");
});

t.test("--room multiplies the room of binding legs and changes nothing else", async (t) => {
  const once = generateProblem(50, 5, "binding");
  const twice = generateProblem(50, 5, "binding", 1, 2);
  for (const [i, l] of once.legs.entries())
    t.ok(Math.abs(twice.legs[i]!.capacityKg - 2 * l.capacityKg) <= 1, `${l.id}: twice the room, to the kg`);
  t.same({ ...twice, legs: [] }, { ...once, legs: [] }, "the same communities, resources, offers and needs");
  t.same(
    twice.legs.map(({ capacityKg: _, ...rest }) => rest),
    once.legs.map(({ capacityKg: _, ...rest }) => rest),
    "the same legs otherwise",
  );
  t.same(generateProblem(50, 5, "loose", 1, 2).legs, generateProblem(50, 5, "loose").legs, "loose room is not scaled");
});
