import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import t from "tap";
import { solve, validateProblem, verifyPlan } from "../../src/planning/index.js";

const dir = fileURLToPath(new URL("../fixtures/planning/", import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".problem.json"))
  .map((f) => f.replace(".problem.json", ""));

t.ok(names.length >= 2, "the shared examples are present");
for (const name of names) {
  t.test(name, async (t) => {
    const checked = validateProblem(JSON.parse(readFileSync(`${dir}${name}.problem.json`, "utf8")));
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    const expected = JSON.parse(readFileSync(`${dir}${name}.expected.json`, "utf8")) as {
      ratios: Record<string, number>;
      transportKgKm: number;
    };
    const plan = await solve(checked.problem);
    for (const [need, ratio] of Object.entries(expected.ratios)) {
      const got = plan.needs.find((n) => n.need === need)?.ratio;
      t.ok(got !== undefined && Math.abs(got - ratio) <= 1e-6 * Math.max(1, ratio), `${need}: ratio ${got} = ${ratio}`);
    }
    t.ok(
      Math.abs(plan.transportKgKm - expected.transportKgKm) <= 1e-6 * expected.transportKgKm,
      `transport ${plan.transportKgKm}`,
    );
    t.same(await verifyPlan(checked.problem, plan), []);
  });
}
