import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type NodeOptions, NodeProcess } from "../../scripts/lib/node-process.js";

// The process-starting code is shared with the demo; the tests keep importing it from here.
export { freePort, type NodeOptions, NodeProcess } from "../../scripts/lib/node-process.js";

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Starts a node for one test and stops it (and removes its data) on teardown. */
export async function startNode(t: Teardown, options: NodeOptions): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `tendril-${options.handle}-`));
  const node = new NodeProcess({ ...options, dataDir, port: options.port ?? (await freePort()) });
  t.teardown(async () => {
    await node.stop();
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  await node.start();
  return node;
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const AP_ACCEPT = "application/activity+json";

/** A node's view of one exchange (by URI) through its API, or null while it does not know it. */
export async function exchangeAt(node: NodeProcess, uri: string): Promise<any> {
  const x = ((await node.getJson("/api/exchanges")).items as any[]).find((e) => e.uri === uri);
  return x ? node.getJson(`/api/exchanges/${x.id}`) : null;
}

/** Waits until the node's view of the exchange satisfies `ok`; returns that view. */
export function exchangeUntil(node: NodeProcess, uri: string, ok: (x: any) => boolean, what: string): Promise<any> {
  return eventually(async () => {
    const x = await exchangeAt(node, uri);
    return x && ok(x) ? x : null;
  }, `${node.handle}: ${what}`);
}
