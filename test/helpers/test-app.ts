import "../../src/lib/runtime-shims.js";
import pino from "pino";
import { buildApp, type Node } from "../../src/app.js";
import { type Config, loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/client.js";

interface Teardown {
  teardown(fn: () => unknown): void;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const r = loadConfig({}, ["--origin", "http://127.0.0.1:9", "--handle", "testville", "--name", "Testville"]);
  if (!r.ok) throw new Error("test config is invalid");
  return { ...r.config, ...overrides };
}

export interface TestNode extends Node {
  readonly token: string;
  readonly auth: { authorization: string };
}

/** The whole app on a fresh in-memory database, for `inject` tests; closed on teardown. */
export async function buildTestApp(
  t: Teardown,
  overrides: Partial<Config> = {},
  beforeReady?: (node: Node) => void,
): Promise<TestNode> {
  const node = await buildApp(testConfig(overrides), {
    logger: pino({ level: process.env.TENDRIL_TEST_LOG_LEVEL ?? "silent" }),
    database: openDatabase(":memory:"),
  });
  t.teardown(() => node.app.close());
  beforeReady?.(node);
  await node.app.ready();
  const token = node.bootstrapToken ?? "";
  return Object.assign(node, { token, auth: { authorization: `Bearer ${token}` } });
}

/** A driver of the test node's community, made through the API: id, token, actor URI and auth header. */
export async function addDriver(node: TestNode, name: string) {
  const res = await node.app.inject({
    method: "POST",
    url: "/api/drivers",
    headers: { ...node.auth, "content-type": "application/json" },
    payload: JSON.stringify({ name, contact: name.toLowerCase(), vehicles: [] }),
  });
  if (res.statusCode !== 201) throw new Error(`driver ${name} not created: ${res.body}`);
  const { id, token } = res.json() as { id: string; token: string };
  return {
    id,
    token,
    uri: `${node.services.config.origin}/actors/driver-${id}`,
    auth: { authorization: `Bearer ${token}` },
  };
}

/** POST /api/rounds as the node's admin, with this body: the reply. */
export function startRound(node: TestNode, body: Record<string, unknown> = {}) {
  return node.app.inject({
    method: "POST",
    url: "/api/rounds",
    headers: { ...node.auth, "content-type": "application/json" },
    payload: JSON.stringify(body),
  });
}
