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
