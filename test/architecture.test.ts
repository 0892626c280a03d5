import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import t from "tap";

/**
 * The dependency rules of docs/architecture.md, checked on the source:
 * lib depends on nothing of ours; domain code imports neither Fastify nor
 * Fedify (HTTP and federation adapters beside it do); no import cycles.
 */
const SRC = resolve(import.meta.dirname, "../src");
const DOMAIN_FOLDERS = ["supply", "transport", "community", "exchange", "planning"];
/** Adapter files inside domain folders: HTTP handlers, auth hooks, federation glue, and the actions (use cases) that HTTP handlers and pages share. */
const ADAPTER = /(^|[-/])(http|auth|federate|actions)[-.]|^http|^actions\.ts$|driver-auth/;
const FRAMEWORKS = /^(fastify|@fastify\/|@fedify\/)/;
/**
 * Orchestration modules that still sit beside the domain code they drive and
 * reach into the federation layer directly (they build, send and catch up on
 * activities). Named here, one by one, so no new file joins them unnoticed;
 * moving them out of the domain folders is open work (see docs/architecture.md).
 */
const KNOWN_ORCHESTRATION = new Set([
  "exchange/catch-up.ts",
  "exchange/publish.ts",
  "exchange/reconcile.ts",
  "exchange/register.ts",
  "exchange/rounds.ts",
  "transport/haul-observers.ts",
  "transport/request-haul.ts",
]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers a file imports; with `runtimeOnly`, type-only imports (erased by TypeScript) are left out. */
function importsOf(file: string, runtimeOnly = false): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(import|export)\s(type\s)?[^"';]*?from\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm)]
    .filter((m) => !(runtimeOnly && m[2]))
    .map((m) => (m[3] ?? m[4]) as string);
}

const all = files(SRC);
const local = (f: string, specs: string[]) =>
  specs.filter((s) => s.startsWith(".")).map((s) => resolve(dirname(f), s.replace(/\.js$/, ".ts")));
const graph = new Map<string, string[]>(all.map((f) => [f, local(f, importsOf(f))]));
/** What loads at run time: a cycle of type-only imports costs nothing and is allowed. */
const runtimeGraph = new Map<string, string[]>(all.map((f) => [f, local(f, importsOf(f, true))]));
const rel = (f: string) => relative(SRC, f);

t.test("src/lib imports nothing else of ours", async (t) => {
  const bad = all
    .filter((f) => rel(f).startsWith("lib/"))
    .flatMap((f) => (graph.get(f) ?? []).filter((d) => !rel(d).startsWith("lib/")).map((d) => `${rel(f)} → ${rel(d)}`));
  t.same(bad, []);
});

t.test("domain modules import neither Fastify nor Fedify, nor the HTTP or federation layers", async (t) => {
  const bad: string[] = [];
  for (const f of all) {
    const [folder, name] = rel(f).split("/");
    if (!folder || !name || !DOMAIN_FOLDERS.includes(folder) || ADAPTER.test(name) || KNOWN_ORCHESTRATION.has(rel(f))) continue;
    for (const spec of importsOf(f)) {
      if (FRAMEWORKS.test(spec)) bad.push(`${rel(f)} imports ${spec}`);
    }
    for (const d of graph.get(f) ?? []) {
      const target = rel(d);
      if (/^(federation|http|web)\/|^app\.ts$/.test(target)) bad.push(`${rel(f)} → ${target}`);
    }
  }
  t.same(bad, []);
});

t.test("no import cycles at run time", async (t) => {
  const cycles: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (f: string) => {
    if (state.get(f) === "done") return;
    if (state.get(f) === "visiting") {
      cycles.push([...stack.slice(stack.indexOf(f)), f].map(rel).join(" → "));
      return;
    }
    state.set(f, "visiting");
    stack.push(f);
    for (const d of runtimeGraph.get(f) ?? []) if (runtimeGraph.has(d)) visit(d);
    stack.pop();
    state.set(f, "done");
  };
  for (const f of all) visit(f);
  t.same(cycles, []);
});
