import "../../src/lib/runtime-shims.js";
import { deepStrictEqual } from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type KvKey, type KvStore, MemoryKvStore } from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import fc from "fast-check";
import t from "tap";
import { openDatabase } from "../../src/db/client.js";
import { applyMigrations } from "../../src/db/migrate.js";
import { SqliteKvStore } from "../../src/federation/kv-store.js";

/** The bits of a tap subtest the helpers need (the root `t` and subtests differ in type). */
interface Test {
  testdir(): string;
  teardown(fn: () => void): void;
}

/** A migrated database in the test's own directory, closed on teardown. */
function openTestDb(t: Test, name = "node.sqlite") {
  const file = join(t.testdir(), name);
  const opened = openDatabase(file);
  applyMigrations(opened.db);
  t.teardown(() => opened.close());
  return { ...opened, file };
}

async function collect(kv: KvStore, prefix?: KvKey) {
  const entries: { key: KvKey; value: unknown }[] = [];
  for await (const entry of kv.list(prefix)) entries.push(entry);
  return entries;
}

const sortedKeys = (entries: { key: KvKey }[]) => entries.map((e) => JSON.stringify(e.key)).sort();

t.test("get, set and delete round-trip JSON values", async (t) => {
  const kv = new SqliteKvStore(openTestDb(t).sqlite);
  t.equal(await kv.get(["missing"]), undefined);
  const values: unknown[] = [{ a: [1, "two", null], b: { c: true } }, [1, 2], "text", 0, -1.5, false, null];
  for (const [i, value] of values.entries()) await kv.set(["v", String(i)], value);
  for (const [i, value] of values.entries()) t.same(await kv.get(["v", String(i)]), value, `value ${i}`);
  await kv.set(["v", "0"], "overwritten");
  t.equal(await kv.get(["v", "0"]), "overwritten");
  await kv.delete(["v", "0"]);
  t.equal(await kv.get(["v", "0"]), undefined);
  await kv.delete(["never", "there"]);
});

t.test("entries persist across connections to the same file", async (t) => {
  const first = openTestDb(t);
  await new SqliteKvStore(first.sqlite).set(["k"], { kept: true });
  const second = openDatabase(first.file);
  t.teardown(() => second.close());
  t.same(await new SqliteKvStore(second.sqlite).get(["k"]), { kept: true });
});

t.test("ttl: expired entries vanish from get, list and cas, and are cleaned up", async (t) => {
  const { sqlite } = openTestDb(t);
  const kv = new SqliteKvStore(sqlite);
  const rows = () => (sqlite.prepare("SELECT count(*) AS n FROM kv").get() as { n: number }).n;
  await kv.set(["short"], 1, {
    ttl: Temporal.Duration.from({ milliseconds: 60 }),
  });
  await kv.set(["short", "child"], 2, {
    ttl: Temporal.Duration.from({ milliseconds: 60 }),
  });
  await kv.set(["long"], 3, { ttl: Temporal.Duration.from({ hours: 1 }) });
  await kv.set(["forever"], 4);
  t.equal(await kv.get(["short"]), 1, "alive before its ttl");
  await sleep(100);
  t.equal(await kv.get(["short"]), undefined, "gone after its ttl");
  t.equal(rows(), 3, "get deleted the expired row it met");
  t.same(sortedKeys(await collect(kv)), ['["forever"]', '["long"]'], "list skips expired entries");
  t.equal(rows(), 2, "list swept the expired rows");
  await kv.set(["long"], 5);
  await sleep(10);
  t.equal(await kv.get(["long"]), 5, "a set without ttl clears the earlier expiry");

  await kv.set(["gone"], "old", {
    ttl: Temporal.Duration.from({ milliseconds: 1 }),
  });
  await sleep(10);
  t.equal(await kv.cas(["gone"], "old", "new"), false, "an expired entry does not match its old value");
  t.equal(await kv.cas(["gone"], undefined, "new"), true, "an expired entry counts as absent");
  t.equal(await kv.get(["gone"]), "new");
  t.equal(kv.sweepExpired(), 0);
});

t.test("cas: swaps only on a (deeply) equal current value", async (t) => {
  const kv = new SqliteKvStore(openTestDb(t).sqlite);
  t.equal(await kv.cas(["c"], "something", 1), false, "absent key does not match a value");
  t.equal(await kv.get(["c"]), undefined);
  t.equal(await kv.cas(["c"], undefined, { n: 1, tags: ["a"] }), true, "absent key matches undefined");
  t.equal(await kv.cas(["c"], undefined, 99), false, "present key does not match undefined");
  t.equal(await kv.cas(["c"], { n: 2, tags: ["a"] }, 99), false, "different value does not match");
  t.same(await kv.get(["c"]), { n: 1, tags: ["a"] }, "failed cas leaves the value alone");
  t.equal(await kv.cas(["c"], { tags: ["a"], n: 1 }, 2), true, "object key order does not matter");
  t.equal(await kv.get(["c"]), 2);
  t.equal(
    await kv.cas(["c"], 2, 3, {
      ttl: Temporal.Duration.from({ milliseconds: 30 }),
    }),
    true,
    "cas honours ttl",
  );
  await sleep(60);
  t.equal(await kv.get(["c"]), undefined);
});

t.test("cas is atomic across connections: concurrent increments are never lost", async (t) => {
  const first = openTestDb(t);
  const second = openDatabase(first.file);
  t.teardown(() => second.close());
  const stores = [new SqliteKvStore(first.sqlite), new SqliteKvStore(second.sqlite)];
  const increment = async (kv: SqliteKvStore) => {
    for (;;) {
      const current = await kv.get<number>(["counter"]);
      await sleep(0); // let the other worker interleave between read and swap
      if (await kv.cas(["counter"], current, (current ?? 0) + 1)) return;
    }
  };
  await Promise.all(Array.from({ length: 40 }, (_, i) => increment(stores[i % 2] as SqliteKvStore)));
  t.equal(await stores[0]?.get(["counter"]), 40);
});

t.test("list(prefix) matches whole key elements, whatever characters they hold", async (t) => {
  const kv = new SqliteKvStore(openTestDb(t).sqlite);
  const keys: KvKey[] = [
    ["a"],
    ["a", "b"],
    ["a", "bc"],
    ["a", "b", "c"],
    ["a", 'b"]'],
    ["a", "b,c"],
    ["a", "b\\"],
    ["ab"],
    ["a%"],
    ["a_"],
    ['a"', "x"],
    ["a%", "b"],
    ["é", "ü"],
    [""],
    ["", ""],
  ];
  for (const [i, key] of keys.entries()) await kv.set(key, i);
  const list = async (prefix?: KvKey) => sortedKeys(await collect(kv, prefix));
  const expected = (...ks: KvKey[]) => ks.map((k) => JSON.stringify(k)).sort();

  t.same(await list(), expected(...keys), "no prefix lists everything");
  t.same(
    await list(["a"]),
    expected(["a"], ["a", "b"], ["a", "bc"], ["a", "b", "c"], ["a", 'b"]'], ["a", "b,c"], ["a", "b\\"]),
    "a prefix element is matched whole, not as a string prefix",
  );
  t.same(await list(["a", "b"]), expected(["a", "b"], ["a", "b", "c"]));
  t.same(await list(["a%"]), expected(["a%"], ["a%", "b"]), "% is not a wildcard");
  t.same(await list(["a_"]), expected(["a_"]), "_ is not a wildcard");
  t.same(await list(['a"']), expected(['a"', "x"]), "quotes in elements");
  t.same(await list(["é"]), expected(["é", "ü"]));
  t.same(await list([""]), expected([""], ["", ""]), "empty elements");
  t.same(await list(["nothing"]), []);
  const entry = (await collect(kv, ["a", "b", "c"]))[0];
  t.same(entry, { key: ["a", "b", "c"], value: 3 }, "entries carry the decoded key and value");
});

t.test("list(prefix) agrees with Fedify's MemoryKvStore on random keys", async (t) => {
  const { sqlite } = openTestDb(t);
  const kv = new SqliteKvStore(sqlite);
  // A tiny alphabet of the characters that could confuse an encoding.
  const element = fc.string({
    unit: fc.constantFrom("a", "b", '"', ",", "]", "[", "\\", "%", "_", "-", "é"),
    maxLength: 3,
  });
  const key = fc.array(element, {
    minLength: 1,
    maxLength: 3,
  }) as fc.Arbitrary<[string, ...string[]]>;
  const checked = fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(key, {
        maxLength: 12,
        selector: (k) => JSON.stringify(k),
      }),
      key,
      async (keys, prefix) => {
        sqlite.exec("DELETE FROM kv");
        const memory = new MemoryKvStore();
        for (const k of keys) {
          await kv.set(k, k.length);
          await memory.set(k, k.length);
        }
        // Plain assertions, so fast-check can shrink a failure to a minimal case.
        deepStrictEqual(sortedKeys(await collect(kv, prefix)), sortedKeys(await collect(memory, prefix)));
        const shorter = prefix.slice(0, 1) as [string];
        deepStrictEqual(sortedKeys(await collect(kv, shorter)), sortedKeys(await collect(memory, shorter)));
      },
    ),
    { numRuns: 200 },
  );
  await t.resolves(checked, "200 random key sets listed identically");
});

t.test("list can be consumed while the caller writes to the store", async (t) => {
  const kv = new SqliteKvStore(openTestDb(t).sqlite);
  for (const i of [1, 2, 3]) await kv.set(["doomed", String(i)], i);
  for await (const { key } of kv.list(["doomed"])) await kv.delete(key);
  t.same(await collect(kv), []);
});
