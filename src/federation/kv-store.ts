import { isDeepStrictEqual } from "node:util";
import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Temporal } from "@js-temporal/polyfill";
import type Database from "better-sqlite3";
import type { Sqlite } from "../db/client.js";

/**
 * Keys are stored as `JSON.stringify(key)`. JSON string literals are
 * prefix-free (a string ends at its first unescaped `"`), so the encoding of a
 * key prefix `[a, b]` minus its closing `]` is followed in every longer key by
 * exactly `,`. That turns `list(prefix)` into the exact key plus the byte range
 * [stem + ",", stem + "-") (`-` is the byte after `,`), which the primary-key
 * index answers directly and which needs no LIKE-wildcard escaping.
 */
function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

function ttlToExpiry(options: KvStoreSetOptions | undefined, now: number): number | null {
  const ttl = options?.ttl as Temporal.Duration | undefined;
  if (ttl == null) return null;
  // Whole milliseconds, as the column is an integer.
  return now + Math.ceil(ttl.total({ unit: "millisecond" }));
}

/**
 * Fedify's key–value store on the node's SQLite file (table `kv`).
 *
 * better-sqlite3 is synchronous, so every method does its work before the
 * returned promise settles, and `cas` is a single immediate transaction (atomic
 * against this process and any other process on the same file).
 *
 * Expired entries are invisible at once and deleted lazily: by `get` and `cas`
 * when they meet one, and in bulk by `list` and {@link sweepExpired}.
 */
export class SqliteKvStore implements KvStore {
  readonly #get: Database.Statement<[string, number], { value: string }>;
  readonly #set: Database.Statement<[string, string, number | null]>;
  readonly #delete: Database.Statement<[string]>;
  readonly #deleteIfExpired: Database.Statement<[string, number]>;
  readonly #sweep: Database.Statement<[number]>;
  readonly #listAll: Database.Statement<[number], { key: string; value: string }>;
  readonly #listPrefix: Database.Statement<[string, string, string, number], { key: string; value: string }>;
  readonly #cas: (key: string, expected: unknown, next: unknown, options?: KvStoreSetOptions) => boolean;

  constructor(sqlite: Sqlite) {
    const live = "(expires_at IS NULL OR expires_at > ?)";
    this.#get = sqlite.prepare(`SELECT value FROM kv WHERE key = ? AND ${live}`);
    this.#set = sqlite.prepare(
      `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    );
    this.#delete = sqlite.prepare("DELETE FROM kv WHERE key = ?");
    this.#deleteIfExpired = sqlite.prepare("DELETE FROM kv WHERE key = ? AND expires_at <= ?");
    this.#sweep = sqlite.prepare("DELETE FROM kv WHERE expires_at <= ?");
    this.#listAll = sqlite.prepare(`SELECT key, value FROM kv WHERE ${live} ORDER BY key`);
    this.#listPrefix = sqlite.prepare(
      `SELECT key, value FROM kv WHERE (key = ? OR (key >= ? AND key < ?)) AND ${live} ORDER BY key`,
    );

    const cas = sqlite.transaction(
      (key: string, expected: unknown, next: unknown, options?: KvStoreSetOptions): boolean => {
        const now = Date.now();
        const row = this.#get.get(key, now);
        const current = row === undefined ? undefined : JSON.parse(row.value);
        // Fedify compares structurally (MemoryKvStore uses deep equality);
        // comparing JSON text would depend on object key order.
        if (!isDeepStrictEqual(current, expected)) {
          if (row === undefined) this.#deleteIfExpired.run(key, now);
          return false;
        }
        this.#write(key, next, options, now);
        return true;
      },
    );
    this.#cas = (...args) => cas.immediate(...args);
  }

  get<T = unknown>(key: KvKey): Promise<T | undefined> {
    const encoded = encodeKey(key);
    const now = Date.now();
    const row = this.#get.get(encoded, now);
    if (row === undefined) {
      this.#deleteIfExpired.run(encoded, now);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(JSON.parse(row.value) as T);
  }

  set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    this.#write(encodeKey(key), value, options, Date.now());
    return Promise.resolve();
  }

  delete(key: KvKey): Promise<void> {
    this.#delete.run(encodeKey(key));
    return Promise.resolve();
  }

  cas(key: KvKey, expectedValue: unknown, newValue: unknown, options?: KvStoreSetOptions): Promise<boolean> {
    return Promise.resolve(this.#cas(encodeKey(key), expectedValue, newValue, options));
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    this.#sweep.run(now);
    let rows: { key: string; value: string }[];
    if (prefix === undefined) {
      rows = this.#listAll.all(now);
    } else {
      const exact = encodeKey(prefix);
      const stem = exact.slice(0, -1);
      rows = this.#listPrefix.all(exact, `${stem},`, `${stem}-`, now);
    }
    // Rows are materialised first: a better-sqlite3 connection cannot run other
    // statements (say, the caller's `delete`) while an iterator is open on it.
    for (const row of rows) {
      yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }

  /** Deletes every expired entry; returns how many went. */
  sweepExpired(): number {
    return this.#sweep.run(Date.now()).changes;
  }

  #write(key: string, value: unknown, options: KvStoreSetOptions | undefined, now: number): void {
    const json = JSON.stringify(value);
    // `undefined` has no JSON form; storing it means "no value", as `get` would report.
    if (json === undefined) {
      this.#delete.run(key);
      return;
    }
    this.#set.run(key, json, ttlToExpiry(options, now));
  }
}
