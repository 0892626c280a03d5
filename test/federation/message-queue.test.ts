import "../../src/lib/runtime-shims.js";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { testMessageQueue } from "@fedify/testing";
import { Temporal } from "@js-temporal/polyfill";
import t from "tap";
import { openDatabase } from "../../src/db/client.js";
import { applyMigrations } from "../../src/db/migrate.js";
import { SqliteMessageQueue, type SqliteMessageQueueOptions } from "../../src/federation/message-queue.js";

/** The bits of a tap subtest the helpers need (the root `t` and subtests differ in type). */
interface Test {
  testdir(): string;
  teardown(fn: () => void): void;
}

/** A migrated database in the test's own directory; every connection is closed on teardown. */
function openTestDb(t: Test) {
  const file = join(t.testdir(), "node.sqlite");
  const connections: ReturnType<typeof openDatabase>[] = [];
  const connect = () => {
    const opened = openDatabase(file);
    connections.push(opened);
    return opened.sqlite;
  };
  const first = openDatabase(file);
  connections.push(first);
  applyMigrations(first.db);
  const sqlite = first.sqlite;
  t.teardown(() => {
    for (const c of connections) c.close();
  });
  return { file, sqlite, connect };
}

/** Starts a listener and returns a way to stop it that waits for it to finish. */
function startListening(
  queue: SqliteMessageQueue,
  handler: Parameters<SqliteMessageQueue["listen"]>[0],
): () => Promise<void> {
  const controller = new AbortController();
  const listening = queue.listen(handler, { signal: controller.signal });
  return () => {
    controller.abort();
    return listening;
  };
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const fast: SqliteMessageQueueOptions = { pollIntervalMs: 20, retryBaseMs: 20 };
const rowsOf = (sqlite: ReturnType<typeof openTestDb>["sqlite"]) =>
  sqlite
    .prepare("SELECT id, attempts, locked_until AS lockedUntil, failed_at AS failedAt FROM queue ORDER BY id")
    .all() as {
    id: number;
    attempts: number;
    lockedUntil: number | null;
    failedAt: number | null;
  }[];

t.test("passes Fedify's message queue conformance suite (two connections, ordering keys)", async (t) => {
  const { connect } = openTestDb(t);
  const conformance = testMessageQueue(
    () => new SqliteMessageQueue(connect(), { pollIntervalMs: 100 }),
    ({ controller }) => controller.abort(),
    { testOrderingKey: true },
  );
  await t.resolves(conformance, "conformance suite passed");
});

t.test("a local enqueue wakes the listener without waiting for the poll", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, { pollIntervalMs: 60_000 });
  const got: unknown[] = [];
  const stop = startListening(queue, (m) => {
    got.push(m);
  });
  await sleep(20);
  const started = Date.now();
  await queue.enqueue({ hello: "world" });
  await waitUntil(() => got.length === 1, "delivery", 3000);
  t.ok(Date.now() - started < 2000, "delivered long before the 60 s poll");
  await stop();
  t.same(got, [{ hello: "world" }]);
  t.same(rowsOf(sqlite), [], "a handled message is deleted");
});

t.test("a handler that throws is retried with backoff, never lost", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, { ...fast, retryBaseMs: 80 });
  const seen: number[] = [];
  const stop = startListening(queue, () => {
    seen.push(Date.now());
    if (seen.length < 3) throw new Error("transient failure");
  });
  await queue.enqueue("flaky");
  await waitUntil(() => seen.length === 1, "first attempt");
  await waitUntil(() => rowsOf(sqlite)[0]?.lockedUntil === null, "release after failure");
  t.equal(rowsOf(sqlite)[0]?.attempts, 1, "the failed attempt is recorded and the row kept");
  await waitUntil(() => seen.length === 3, "third attempt");
  await stop();
  const [first = 0, second = 0, third = 0] = seen;
  t.ok(second - first >= 75, `first retry waited the base backoff (${second - first} ms)`);
  t.ok(third - second >= 155, `second retry waited twice as long (${third - second} ms)`);
  t.same(rowsOf(sqlite), [], "deleted once a handler succeeded");
});

t.test("after maxAttempts a message is parked, kept, and can be requeued", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, {
    ...fast,
    retryBaseMs: 5,
    maxAttempts: 3,
  });
  let failing = true;
  const handled: unknown[] = [];
  const stop = startListening(queue, (m) => {
    handled.push(m);
    if (failing && (m as { n: number }).n === 1) throw new Error("poison");
  });
  await queue.enqueue({ n: 1 }, { orderingKey: "k" });
  await queue.enqueue({ n: 2 }, { orderingKey: "k" });
  await waitUntil(() => handled.length === 4, "three attempts at the first message, then the second");
  t.same(handled, [{ n: 1 }, { n: 1 }, { n: 1 }, { n: 2 }], "a parked message releases its ordering key");
  await sleep(50);
  const parked = rowsOf(sqlite).filter((r) => r.failedAt !== null);
  t.equal(parked.length, 1, "the exhausted message stays in the table");
  t.equal(parked[0]?.attempts, 3);
  t.equal(handled.filter((m) => (m as { n: number }).n === 1).length, 3, "no fourth attempt");
  t.equal((await queue.getDepth()).queued, 0, "a parked message is not counted as waiting");
  failing = false;
  t.equal(queue.requeueFailed(), 1);
  await waitUntil(() => rowsOf(sqlite).length === 0, "requeued messages to be handled");
  await stop();
  t.same(
    handled
      .slice(-2)
      .map((m) => (m as { n: number }).n)
      .sort(),
    [1, 2],
  );
});

t.test("messages with one ordering key run one at a time, in order, even across failures", async (t) => {
  const { sqlite, connect } = openTestDb(t);
  const [a, b] = [new SqliteMessageQueue(sqlite, { ...fast, concurrency: 4 }), new SqliteMessageQueue(connect(), fast)];
  const order: string[] = [];
  const active = new Map<string, number>();
  let maxPerKey = 0;
  let maxOverall = 0;
  let running = 0;
  let failedOnce = false;
  const handler = async (m: { key: string; n: number }) => {
    const now = (active.get(m.key) ?? 0) + 1;
    active.set(m.key, now);
    running++;
    if (m.key !== "none") maxPerKey = Math.max(maxPerKey, now);
    maxOverall = Math.max(maxOverall, running);
    try {
      await sleep(15);
      if (m.key === "a" && m.n === 1 && !failedOnce) {
        failedOnce = true;
        throw new Error("first try of a1 fails");
      }
      order.push(`${m.key}${m.n}`);
    } finally {
      active.set(m.key, (active.get(m.key) ?? 1) - 1);
      running--;
    }
  };
  const stops = [a, b].map((q) => startListening(q, handler));
  for (const n of [0, 1, 2, 3, 4]) {
    await a.enqueue({ key: "a", n }, { orderingKey: "a" });
    await b.enqueue({ key: "b", n }, { orderingKey: "b" });
  }
  await a.enqueueMany([0, 1, 2].map((n) => ({ key: "none", n })));
  await waitUntil(() => order.length === 13, "all messages");
  await Promise.all(stops.map((stop) => stop()));
  t.equal(maxPerKey, 1, "never two messages of one key at once");
  t.ok(maxOverall > 1, `different keys ran concurrently (${maxOverall} at once)`);
  t.same(
    order.filter((o) => o.startsWith("a")),
    ["a0", "a1", "a2", "a3", "a4"],
    "key a in order despite a1 failing once",
  );
  t.same(
    order.filter((o) => o.startsWith("b")),
    ["b0", "b1", "b2", "b3", "b4"],
    "key b in order",
  );
});

t.test("a delayed message is not handed out before its time", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, { pollIntervalMs: 5000 });
  const got: { m: unknown; at: number }[] = [];
  const stop = startListening(queue, (m) => {
    got.push({ m, at: Date.now() });
  });
  const started = Date.now();
  await queue.enqueue("later", {
    delay: Temporal.Duration.from({ milliseconds: 300 }),
  });
  await queue.enqueue("now");
  t.same(await queue.getDepth().then((d) => d.delayed), 1, "getDepth counts the delayed message");
  await waitUntil(() => got.length === 2, "both messages", 4000);
  await stop();
  t.same(
    got.map((g) => g.m),
    ["now", "later"],
  );
  const late = (got[1]?.at ?? 0) - started;
  t.ok(late >= 300, `delayed message arrived after its delay (${late} ms)`);
  t.ok(late < 3000, "and was woken by its due time, not the 5 s poll");
  await t.rejects(
    queue.enqueue("bad", {
      delay: Temporal.Duration.from({ milliseconds: -1 }),
    }),
    RangeError,
  );
});

t.test("a claim whose worker died is taken over once its lease lapses", async (t) => {
  const { sqlite, connect } = openTestDb(t);
  // The "dead" worker: a connection that claims the message and is then closed
  // mid-handler, so its heartbeat can no longer renew the lease.
  const deadDb = connect();
  const dead = new SqliteMessageQueue(deadDb, {
    leaseMs: 200,
    pollIntervalMs: 10,
  });
  let claimedAt = 0;
  void dead.listen(() => {
    claimedAt = Date.now();
    deadDb.close();
    return new Promise<void>(() => {});
  });
  await dead.enqueue({ job: 42 });
  await waitUntil(() => claimedAt > 0, "the doomed claim");

  const survivor = new SqliteMessageQueue(sqlite, fast);
  const got: unknown[] = [];
  let takenAt = 0;
  const stop = startListening(survivor, (m) => {
    takenAt = Date.now();
    got.push(m);
  });
  await waitUntil(() => got.length === 1, "the takeover", 2000);
  await stop();
  t.same(got, [{ job: 42 }]);
  t.ok(takenAt - claimedAt >= 195, `not before the lease lapsed (${takenAt - claimedAt} ms)`);
  t.same(rowsOf(sqlite), []);
});

t.test("a live worker's lease is renewed, so a slow handler is not run twice", async (t) => {
  const { sqlite, connect } = openTestDb(t);
  const slow = new SqliteMessageQueue(sqlite, {
    leaseMs: 60,
    pollIntervalMs: 10,
  });
  const other = new SqliteMessageQueue(connect(), {
    leaseMs: 60,
    pollIntervalMs: 10,
  });
  let runs = 0;
  const handler = async () => {
    runs++;
    await sleep(300);
  };
  const stops = [startListening(slow, handler), startListening(other, handler)];
  await slow.enqueue("slow");
  await waitUntil(() => runs === 1, "the first run");
  await sleep(400);
  await Promise.all(stops.map((stop) => stop()));
  t.equal(runs, 1, "five leases went by, yet nobody else took the message");
  t.same(rowsOf(sqlite), []);
});

t.test("concurrency: up to N handlers at once per listener", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, { ...fast, concurrency: 3 });
  let running = 0;
  let peak = 0;
  let done = 0;
  const stop = startListening(queue, async () => {
    peak = Math.max(peak, ++running);
    await sleep(30);
    running--;
    done++;
  });
  await queue.enqueueMany(Array.from({ length: 9 }, (_, i) => i));
  await waitUntil(() => done === 9, "all nine");
  await stop();
  t.equal(peak, 3);
});

t.test("two listeners on two connections hand out each message exactly once", async (t) => {
  const { sqlite, connect } = openTestDb(t);
  const queues = [new SqliteMessageQueue(sqlite, fast), new SqliteMessageQueue(connect(), fast)] as const;
  const counts = new Map<number, number>();
  const handler = async (n: number) => {
    counts.set(n, (counts.get(n) ?? 0) + 1);
    await sleep(1);
  };
  const stops = queues.map((q) => startListening(q, handler));
  for (let i = 0; i < 200; i++) await queues[i % 2 === 0 ? 0 : 1].enqueue(i);
  await waitUntil(() => counts.size === 200 && rowsOf(sqlite).length === 0, "all 200");
  await Promise.all(stops.map((stop) => stop()));
  t.ok(
    [...counts.values()].every((c) => c === 1),
    "no message was handled twice",
  );
});

t.test("listen: resolves on abort only after in-flight handlers finish", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, fast);
  const aborted = new AbortController();
  aborted.abort();
  await queue.listen(
    () => {
      t.fail("an aborted listener handles nothing");
    },
    { signal: aborted.signal },
  );

  let finished = false;
  const stop = startListening(queue, async () => {
    await sleep(150);
    finished = true;
  });
  await queue.enqueue("in flight");
  await waitUntil(() => rowsOf(sqlite)[0]?.lockedUntil != null, "the claim");
  await stop();
  t.ok(finished, "listen waited for the running handler");
  t.same(rowsOf(sqlite), [], "and its success was recorded");
});

t.test("getDepth counts waiting, ready and delayed messages but not claimed ones", async (t) => {
  const { sqlite } = openTestDb(t);
  const queue = new SqliteMessageQueue(sqlite, { ...fast, concurrency: 1 });
  t.same(await queue.getDepth(), { queued: 0, ready: 0, delayed: 0 });
  await queue.enqueueMany(["x", "y"]);
  await queue.enqueue("z", { delay: Temporal.Duration.from({ minutes: 5 }) });
  t.same(await queue.getDepth(), { queued: 3, ready: 2, delayed: 1 });
  let release = () => {};
  const stop = startListening(queue, () => new Promise<void>((resolve) => (release = resolve)));
  await waitUntil(() => rowsOf(sqlite).some((r) => r.lockedUntil !== null), "a claim");
  t.same(await queue.getDepth(), { queued: 2, ready: 1, delayed: 1 });
  const stopping = stop();
  release();
  await stopping;
});

const fixture = fileURLToPath(new URL("../fixtures/queue-process.ts", import.meta.url));

/** Runs the fixture worker and resolves once it printed `line`. */
async function runWorker(t: Test, args: string[], line: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => {
    child.kill("SIGKILL");
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (chunk) => (err += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      out += chunk;
      if (out.includes(`${line}\n`)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before "${line}": ${err}`)));
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

// Contains what Fedify messages do: nested objects, URLs, a PEM-like secret, non-ASCII.
const message = {
  type: "outbox",
  id: "0b3d8f2e-5a6c-4e1f-9d7a-1c2b3a4d5e6f",
  keys: [
    {
      keyId: "https://a.example/u/x#main-key",
      privateKey: "-----BEGIN PRIVATE KEY-----\nMIIE\n",
    },
  ],
  activity: {
    "@context": "https://www.w3.org/ns/activitystreams",
    type: "Offer",
    summary: "Brot für alle — 🍞",
  },
  attempt: 0,
  headers: {},
  nothing: null,
};

t.test("a message enqueued by a process that is then killed is delivered after restart", async (t) => {
  const { file, sqlite } = openTestDb(t);
  const worker = await runWorker(t, [file, "enqueue", JSON.stringify(message)], "enqueued");
  await kill(worker);
  const got: unknown[] = [];
  const stop = startListening(new SqliteMessageQueue(sqlite, fast), (m) => {
    got.push(m);
  });
  await waitUntil(() => got.length === 1, "delivery after the restart");
  await stop();
  t.same(got, [message], "the message arrives exactly as enqueued");
  t.same(rowsOf(sqlite), []);
});

t.test("a message whose worker was killed mid-handling is delivered by the next one", async (t) => {
  const { file, sqlite } = openTestDb(t);
  await new SqliteMessageQueue(sqlite).enqueue(message);
  const worker = await runWorker(t, [file, "hold", "300"], "handling");
  t.equal(rowsOf(sqlite)[0]?.attempts, 1, "the worker holds the claim");
  await kill(worker);
  const killedAt = Date.now();
  const got: unknown[] = [];
  const stop = startListening(new SqliteMessageQueue(sqlite, fast), (m) => {
    got.push(m);
  });
  await waitUntil(() => got.length === 1, "delivery after the lease lapsed", 5000);
  await stop();
  t.ok(Date.now() - killedAt < 4000, "taken over soon after the 300 ms lease lapsed");
  t.same(got, [message], "the message arrives exactly as enqueued, once");
  t.same(rowsOf(sqlite), []);
});
