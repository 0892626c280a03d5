/**
 * Planner benchmark: seeded generated networks (bench/generate.ts), each case
 * solved in a child process so that its peak memory is its own and a case
 * that runs past the time limit can be stopped.
 *
 *   npm run bench -- planner [--sizes 50x5,200x20] [--capacity binding|loose|both] [--limit 120] [--threads N] [--room K]
 *
 * --threads: threads the planner may use (SolveOptions.threads; default every core).
 * --room: multiplies the room of `binding` legs (default 1), to see how the
 * time grows with the share of legs that fill up.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { availableParallelism } from "node:os";
import {
  PLANNER_VERSION,
  type Plan,
  type Problem,
  solve,
  type SolveStats,
  validateProblem,
} from "../src/planning/index.js";
import { type Capacity, generateProblem } from "./generate.js";

const ALL_SIZES = [50, 200, 1000, 5000].flatMap((n) => [5, 20, 50].map((r) => `${n}x${r}`));

interface CaseResult {
  case: string;
  capacity: Capacity;
  communities: number;
  resources: number;
  legs?: number;
  offers?: number;
  needs?: number;
  /** Legs the plan fills to within 1e-6 of their room. */
  fullLegs?: number;
  status: "ok" | "timeout" | "failed";
  wallSeconds?: number;
  peakRssMB?: number;
  lpSolves?: number;
  maxFlows?: number;
  minCostFlows?: number;
  threadedGroups?: number;
  groups?: number;
  merges?: number;
  error?: string;
}

export async function main(args: string[]): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const threads = Number(opt("threads") ?? availableParallelism());
  if (!Number.isInteger(threads) || threads < 1) {
    process.stderr.write(`--threads must be a whole number of at least 1, not ${opt("threads")}\n`);
    return 2;
  }
  const room = Number(opt("room") ?? 1);
  if (!(Number.isFinite(room) && room > 0)) {
    process.stderr.write(`--room must be a number above 0, not ${opt("room")}\n`);
    return 2;
  }
  if (opt("child") !== undefined) return child(opt("child")!, opt("capacity") as Capacity, threads, room);
  const sizes = (opt("sizes") ?? ALL_SIZES.join(",")).split(",");
  const capArg = opt("capacity") ?? "both";
  const capacities: Capacity[] = capArg === "both" ? ["binding", "loose"] : [capArg as Capacity];
  const limit = Number(opt("limit") ?? 120);
  const results: CaseResult[] = [];
  const script = fileURLToPath(new URL("./run.ts", import.meta.url));
  for (const capacity of capacities) {
    for (const size of sizes) {
      const [n, r] = size.split("x").map(Number) as [number, number];
      const base = { case: size, capacity, communities: n, resources: r };
      const run = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          script,
          "planner",
          "--child",
          size,
          "--capacity",
          capacity,
          "--threads",
          String(threads),
          "--room",
          String(room),
        ],
        {
          encoding: "utf8",
          timeout: limit * 1000,
          killSignal: "SIGKILL",
          maxBuffer: 1 << 24,
        },
      );
      let res: CaseResult;
      if (run.error || run.signal) res = { ...base, status: "timeout", wallSeconds: limit };
      else if (run.status !== 0)
        res = { ...base, status: "failed", error: run.stderr.trim().split("\n").slice(-3).join(" ") };
      else
        res = { ...base, ...(JSON.parse(run.stdout.trim().split("\n").pop()!) as Partial<CaseResult>), status: "ok" };
      results.push(res);
      process.stderr.write(`${line(res)}\n`);
    }
  }
  process.stdout.write(`\n${table(results, limit)}\n`);
  const dir = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    `${dir}planner.json`,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, plannerVersion: PLANNER_VERSION, threads, limitSeconds: limit, roomScale: room, results }, null, 2)}\n`,
  );
  return 0;
}

/** One case, in its own process: generate, validate, solve; print the numbers as JSON. */
async function child(size: string, capacity: Capacity, threads: number, room: number): Promise<number> {
  const [n, r] = size.split("x").map(Number) as [number, number];
  const problem = generateProblem(n, r, capacity, 1, room);
  const t0 = performance.now();
  const checked = validateProblem(problem);
  if (!checked.ok) throw new Error("generated problem is invalid");
  const stats: SolveStats = { lpSolves: 0, maxFlows: 0, minCostFlows: 0, groups: 0, merges: 0, threadedGroups: 0 };
  const plan = await solve(checked.problem, stats, { threads });
  const wallSeconds = (performance.now() - t0) / 1000;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const fullLegs = fullLegsOf(problem, plan);
  process.stdout.write(
    `${JSON.stringify({ legs: problem.legs.length, offers: problem.offers.length, needs: problem.needs.length, fullLegs, wallSeconds, peakRssMB, ...stats })}\n`,
  );
  return 0;
}

function line(r: CaseResult): string {
  if (r.status !== "ok") return `${r.capacity} ${r.case}: ${r.status}${r.error ? ` ${r.error}` : ""}`;
  return `${r.capacity} ${r.case}: ${r.wallSeconds!.toFixed(2)} s, ${Math.round(r.peakRssMB!)} MB, ${r.fullLegs} full legs, ${r.lpSolves} LPs, ${r.maxFlows} max-flows, ${r.minCostFlows} min-cost flows, ${r.merges} merges, ${r.threadedGroups} groups in threads`;
}

function table(results: CaseResult[], limit: number): string {
  const head =
    "| capacity | communities × resources | legs | full legs | offers | needs | wall time (s) | peak RSS (MB) | LP solves | max-flows | min-cost flows | merged groups | groups in threads |";
  const rows = results.map((r) =>
    r.status === "ok"
      ? `| ${r.capacity} | ${r.communities} × ${r.resources} | ${r.legs} | ${r.fullLegs} | ${r.offers} | ${r.needs} | ${r.wallSeconds!.toFixed(2)} | ${Math.round(r.peakRssMB!)} | ${r.lpSolves} | ${r.maxFlows} | ${r.minCostFlows} | ${r.merges} | ${r.threadedGroups} |`
      : `| ${r.capacity} | ${r.communities} × ${r.resources} | | | | | ${r.status === "timeout" ? `> ${limit} (stopped)` : "failed"} | | | | | | |`,
  );
  return [head, "|---|---|---|---|---|---|---|---|---|---|---|---|---|", ...rows].join("\n");
}

/** Legs with room that the plan fills to within 1e-6 of it: how much the capacity binds. */
function fullLegsOf(problem: Problem, plan: Plan): number {
  const kgPerUnit = new Map(problem.resources.map((r) => [r.id, r.kgPerUnit]));
  const resourceOf = new Map(problem.offers.map((o) => [o.id, o.resource]));
  const load = new Map<string, number>();
  for (const f of plan.flows) {
    const kg = f.quantity * kgPerUnit.get(resourceOf.get(f.offer)!)!;
    for (const l of f.legs) load.set(l, (load.get(l) ?? 0) + kg);
  }
  return problem.legs.filter((l) => l.capacityKg > 0 && (load.get(l.id) ?? 0) >= l.capacityKg * (1 - 1e-6)).length;
}
