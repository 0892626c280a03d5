import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixture = join(root, "test/fixtures/planning/scarce-route.problem.json");

function plan(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/planning/cli.ts", ...args], {
    cwd: root,
    input,
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "tendril-plan-"));

t.test("writes the plan to --out", async (t) => {
  const out = join(dir, "plan.json");
  const r = plan(["--in", fixture, "--out", out]);
  t.equal(r.code, 0, r.stderr);
  const p = JSON.parse(readFileSync(out, "utf8"));
  t.same(
    p.needs.map((n: { ratio: number }) => n.ratio),
    [0.7, 0.3],
  );
});

t.test("reads stdin and writes stdout without flags", async (t) => {
  const r = plan([], readFileSync(fixture, "utf8"));
  t.equal(r.code, 0, r.stderr);
  t.equal(JSON.parse(r.stdout).transportKgKm, 1000);
  t.equal(r.stdout, readFileSync(join(dir, "plan.json"), "utf8"), "the same bytes as the file written before");
});

t.test("--verify accepts a correct plan and rejects an unfair one", async (t) => {
  const good = join(dir, "plan.json");
  const ok = plan(["--in", fixture, "--verify", good]);
  t.equal(ok.code, 0, ok.stdout);
  const unfair = {
    version: 1,
    flows: [{ offer: "o1", need: "nB", quantity: 100, legs: ["AB"] }],
    needs: [
      { need: "nB", delivered: 100, ratio: 1 },
      { need: "nC", delivered: 0, ratio: 0 },
    ],
    transportKgKm: 1000,
  };
  const bad = join(dir, "unfair.json");
  writeFileSync(bad, JSON.stringify(unfair));
  const r = plan(["--in", fixture, "--verify", bad]);
  t.equal(r.code, 1);
  t.match(r.stdout, /needs\[0\]\.ratio/);
  t.match(r.stdout, /needs\[1\]\.ratio/);
});

t.test("invalid input exits 2, names the entry and writes no plan", async (t) => {
  const bad = JSON.parse(readFileSync(fixture, "utf8"));
  bad.offers[0].quantity = -3;
  const input = join(dir, "bad.json");
  writeFileSync(input, JSON.stringify(bad));
  const out = join(dir, "never.json");
  const r = plan(["--in", input, "--out", out]);
  t.equal(r.code, 2);
  t.match(r.stderr, /offers\[0\]\.quantity/);
  t.notOk(existsSync(out));
});

t.test("usage and file errors exit 2", async (t) => {
  t.equal(plan(["--frobnicate"]).code, 2);
  t.equal(plan(["--in"]).code, 2);
  const missing = plan(["--in", join(dir, "nope.json")]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /cannot read problem/);
  const notJson = plan([], "{oops");
  t.equal(notJson.code, 2);
  t.match(notJson.stderr, /not JSON/);
});

t.test("--threads takes a whole number of threads and gives the same plan", async (t) => {
  const one = plan(["--in", fixture, "--threads", "1"]);
  t.equal(one.code, 0, one.stderr);
  t.equal(one.stdout, readFileSync(join(dir, "plan.json"), "utf8"));
  for (const bad of ["0", "1.5", "lots", "65"]) {
    const r = plan(["--in", fixture, "--threads", bad]);
    t.equal(r.code, 2, `--threads ${bad}`);
    t.match(r.stderr, /--threads must be a whole number from 1 to 64/);
  }
});
