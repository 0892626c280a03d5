import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import t from "tap";
import { freePort } from "../helpers/node-process.js";

/**
 * `npm run build` + `npm run start:built` is how docs/operations.md and the
 * Dockerfile run a node: compile to plain JavaScript, then start it with
 * node alone. Built into a folder beside `dist` (same depth, so the
 * migrations are found the same way) and removed afterwards.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, `.build-test-${process.pid}`);

t.setTimeout(600_000);
t.teardown(() => rmSync(OUT, { recursive: true, force: true }));

t.test("the compiled node starts with plain node, migrates, answers, and solves in its planner thread", async (t) => {
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", OUT],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  t.equal(tsc.status, 0, `tsc compiled the sources${tsc.stdout ? `: ${tsc.stdout}` : ""}`);

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const data = mkdtempSync(join(tmpdir(), "tendril-built-"));
  t.teardown(() => rmSync(data, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    [
      join(OUT, "server.js"),
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--origin",
      origin,
      "--data-dir",
      data,
      "--log-level",
      "warn",
    ],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      // No tsx loader anywhere: plain node runs the compiled JavaScript.
      env: { ...process.env, NODE_OPTIONS: "" },
    },
  );
  t.teardown(() => void child.kill("SIGTERM"));
  let out = "";
  child.stdout.on("data", (b) => (out += b));
  child.stderr.on("data", (b) => (out += b));
  const token = await new Promise<string>((resolveToken, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${out}`)), 90_000);
    const check = () => {
      const m = /Admin token \(shown once, keep it safe\): (\S+)/.exec(out);
      if (/listening on/.test(out) && m) {
        clearTimeout(timer);
        resolveToken(m[1]!);
      }
    };
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });

  const actor = await fetch(`${origin}/actors/community`, { headers: { accept: "application/activity+json" } });
  t.equal(actor.status, 200, "the community actor is served");
  t.equal((await actor.json()).type, "Group");
  // A planning round runs the planner in its worker thread (solve-worker.js beside off-thread.js).
  const round = await fetch(`${origin}/api/rounds`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: "{}",
  });
  const body = await round.text();
  t.equal(round.status, 201, `the round ran: ${body.slice(0, 300)}`);
  t.match(
    JSON.parse(body),
    { plannerVersion: /^tendril-planner\//, plan: { flows: [] } },
    "planned (nothing to move on a lone node)",
  );
});
