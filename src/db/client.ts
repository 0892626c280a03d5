import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema/index.js";

export type Sqlite = Database.Database;
export type Db = ReturnType<typeof drizzle<typeof schema>>;

export interface OpenedDatabase {
  /** The raw better-sqlite3 handle, for the queue, KV store and hot paths. */
  readonly sqlite: Sqlite;
  /** Drizzle over the same handle: one connection, so one transaction covers both. */
  readonly db: Db;
  close(): void;
}

/**
 * Opens the node's SQLite file (or ":memory:" in tests) with the pragmas a
 * single-writer server wants: WAL so readers never block the writer, and a
 * busy timeout so a second process (a CLI) waits instead of failing.
 */
export function openDatabase(file: string): OpenedDatabase {
  const sqlite = new Database(file);
  if (file !== ":memory:") sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  return {
    sqlite,
    db,
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * Runs `fn` in one IMMEDIATE transaction (the write lock taken up front, so a
 * second process waits rather than failing mid-way). Nested calls become
 * savepoints. Everything written through `db` inside is part of it: drizzle
 * and the raw handle share the one connection.
 */
export function inTransaction<T>(sqlite: Sqlite, fn: () => T): T {
  return sqlite.transaction(fn).immediate();
}
