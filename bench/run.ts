/**
 * npm run bench -- <name> [options]: dispatches to one benchmark. Each module
 * exports `main(args)`; add new ones to BENCHMARKS.
 */
const BENCHMARKS: Record<string, () => Promise<{ main(args: string[]): Promise<number> }>> = {
  planner: () => import("./planner.js"),
};

const [name, ...args] = process.argv.slice(2);
const load = name === undefined ? undefined : BENCHMARKS[name];
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join("|")}> [options]\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await (await load()).main(args);
}
