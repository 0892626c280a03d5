import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import t from "tap";
import { startNode } from "../helpers/node-process.js";

const ROOT = resolve(import.meta.dirname, "../..");

function runServer(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/server.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
}

t.test("bad settings: the process names each one and exits 2 without starting", async (t) => {
  const r = runServer(["--port", "nope", "--log-level", "chatty"], { TENDRIL_HANDLE: "Bad Handle" });
  t.equal(r.status, 2);
  t.match(r.stderr, /Tendril cannot start; fix these settings:/);
  t.match(r.stderr, /--port: must be a whole number/);
  t.match(r.stderr, /--log-level: must be one of/);
  t.match(r.stderr, /TENDRIL_HANDLE: must be 1-32 lower-case letters/);
  t.notMatch(r.stdout, /listening/);
});

t.test("a data directory stays bound to its community handle", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "tendril-bound-"));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const node = await startNode(t, { handle: "first", dataDir });
  await node.stop();
  const r = runServer(["--data-dir", dataDir, "--handle", "second", "--port", "0"]);
  t.equal(r.status, 2);
  t.match(r.stderr, /belongs to community "first"; the handle cannot change/);
});
