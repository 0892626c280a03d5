/**
 * npm run plan -- [--in problem.json] [--out plan.json] [--verify plan.json] [--threads N]
 *
 * Reads a problem (stdin without --in), writes its plan (stdout without --out)
 * or, with --verify, checks a given plan and lists every violation.
 * --threads: how many threads may solve independent parts (default: every
 * core; the plan is the same whatever the number).
 * Exit codes: 0 done / plan valid, 1 plan has violations, 2 bad input or usage.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { canonicalJson } from "./canonical.js";
import { solve } from "./solve.js";
import { formatValidationErrors, validateProblem } from "./validate.js";
import { verifyPlan } from "./verify.js";

const USAGE = "usage: plan [--in problem.json] [--out plan.json] [--verify plan.json] [--threads N]";
const MAX_THREADS = 64;

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): { in?: string; out?: string; verify?: string; threads: number } {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--(in|out|verify|threads)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === "")
      throw new UsageError(`--${m[1]} needs ${m[1] === "threads" ? "a number" : "a file name"}\n${USAGE}`);
    if (opts[m[1]!] !== undefined) throw new UsageError(`--${m[1]} given twice\n${USAGE}`);
    opts[m[1]!] = value;
  }
  if (opts.verify !== undefined && opts.out !== undefined)
    throw new UsageError(`--verify writes no plan; drop --out\n${USAGE}`);
  const threads = opts.threads === undefined ? availableParallelism() : Number(opts.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new UsageError(`--threads must be a whole number from 1 to ${MAX_THREADS}, not ${opts.threads}\n${USAGE}`);
  return { ...opts, threads };
}

function readJson(path: string | undefined, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path ?? 0, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path ?? "from stdin"}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path ?? "(stdin)"} is not JSON: ${(e as Error).message}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const opts = parseArgs(argv);
  const checked = validateProblem(readJson(opts.in, "problem"));
  if (!checked.ok) {
    process.stderr.write(`${formatValidationErrors(checked.errors)}\n`);
    return 2;
  }
  if (opts.verify !== undefined) {
    const violations = await verifyPlan(checked.problem, readJson(opts.verify, "plan"), {
      threads: opts.threads,
    });
    for (const v of violations) process.stdout.write(`violation: ${v.path || "(plan)"}: ${v.message} [${v.rule}]\n`);
    if (violations.length === 0) process.stdout.write("plan is valid\n");
    return violations.length === 0 ? 0 : 1;
  }
  const text = `${canonicalJson(await solve(checked.problem, undefined, { threads: opts.threads }))}\n`;
  if (opts.out === undefined) process.stdout.write(text);
  else {
    try {
      writeFileSync(opts.out, text);
    } catch (e) {
      throw new UsageError(`cannot write ${opts.out}: ${(e as Error).message}`);
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof UsageError ? e.message : `planner failed: ${(e as Error).stack ?? e}`}\n`);
    process.exitCode = 2;
  },
);
