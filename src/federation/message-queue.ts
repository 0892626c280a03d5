import { randomUUID } from "node:crypto";
import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import type { Temporal } from "@js-temporal/polyfill";
import { getLogger } from "@logtape/logtape";
import type Database from "better-sqlite3";
import type { Sqlite } from "../db/client.js";

// Message bodies carry private keys (Fedify's outbox messages hold the
// signing key), so nothing here ever logs a payload: only ids and counts.
const logger = getLogger(["tendril", "federation", "queue"]);

export interface SqliteMessageQueueOptions {
  /** How many messages one `listen` call handles at once. Default 4. */
  readonly concurrency?: number;
  /** How often an idle listener looks for work other processes enqueued. Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /**
   * How long a claim lasts before another worker may take the message over.
   * A live worker renews it every third of the lease, so only a dead (or
   * frozen) worker loses its claim. Default 60 000 ms.
   */
  readonly leaseMs?: number;
  /** Retry delay after the first failure; doubles per attempt. Default 2000 ms. */
  readonly retryBaseMs?: number;
  /** Upper bound of the retry delay. Default 3 600 000 ms (1 h). */
  readonly retryMaxMs?: number;
  /**
   * Hand-outs (successful or not, crashes included) after which a message is
   * parked instead of retried. Default 10, i.e. about 17 minutes of retries
   * at the default backoff.
   */
  readonly maxAttempts?: number;
}

interface ClaimedRow {
  id: number;
  payload: string;
  attempts: number;
  lockedBy: string;
}

type Wake = () => void;
/** Fedify's handler type; it takes `any` because messages are whatever the caller enqueued. */
type Handler = Parameters<MessageQueue["listen"]>[0];

/**
 * Listeners to wake when something is enqueued, per database file, so an
 * enqueue in this process is picked up at once instead of at the next poll.
 * Other processes on the same file are found by polling.
 */
const wakers = new Map<string, Set<Wake>>();

/** Fedify hands over `Temporal.Duration`s; read them as milliseconds. */
function toMs(duration: Temporal.Duration | undefined): number {
  if (duration == null) return 0;
  const ms = (duration as Temporal.Duration).total({ unit: "millisecond" });
  if (ms < 0) throw new RangeError("delay must not be negative");
  // Whole milliseconds, rounded up: the columns are integers and a delay must not come early.
  return Math.ceil(ms);
}

/**
 * Fedify's message queue on the node's SQLite file (table `queue`).
 *
 * Guarantees:
 * - At-least-once: a row is deleted only after its handler resolved. A handler
 *   that throws releases the row with an exponential backoff
 *   (`retryBaseMs · 2^(attempts-1)`, capped at `retryMaxMs`). `nativeRetrial`
 *   stays unset, so Fedify's own retry policies run first; this is the safety
 *   net for handlers that throw anyway.
 * - Dead workers: a claim is a lease (`locked_until`); when it lapses the
 *   message is claimable again. Claims run in an immediate transaction, so two
 *   processes on one file never take the same message.
 * - Ordering keys: a message is not claimable while an earlier message with the
 *   same key is still in the table (waiting, delayed, retrying or in flight).
 * - Giving up: after `maxAttempts` hand-outs a message is parked (`failed_at`
 *   set, row kept, a warning logged) rather than retried forever or deleted;
 *   {@link requeueFailed} puts parked messages back. A parked message releases
 *   its ordering key, so one poison message cannot stall its key for good.
 */
export class SqliteMessageQueue implements MessageQueue {
  readonly #sqlite: Sqlite;
  readonly #concurrency: number;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #maxAttempts: number;
  readonly #wakeKey: string;

  readonly #insert: Database.Statement<[string, string | null, number]>;
  readonly #claim: (now: number) => ClaimedRow | undefined;
  readonly #renew: Database.Statement<[number, number, string]>;
  readonly #complete: Database.Statement<[number]>;
  readonly #release: Database.Statement<[number, number, string]>;
  readonly #park: Database.Statement<[number, number, string]>;
  readonly #requeue: Database.Statement<[number]>;
  readonly #depth: Database.Statement<[number, number], { queued: number; ready: number | null }>;
  readonly #nextDue: Database.Statement<[number], { at: number | null }>;
  readonly #insertMany: (payloads: string[], orderingKey: string | null, availableAt: number) => void;

  constructor(sqlite: Sqlite, options: SqliteMessageQueueOptions = {}) {
    this.#sqlite = sqlite;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#retryBaseMs = options.retryBaseMs ?? 2000;
    this.#retryMaxMs = options.retryMaxMs ?? 3_600_000;
    this.#maxAttempts = options.maxAttempts ?? 10;
    // In-memory databases are private to their connection; files are shared.
    this.#wakeKey = sqlite.memory ? `memory:${randomUUID()}` : sqlite.name;

    this.#insert = sqlite.prepare("INSERT INTO queue (payload, ordering_key, available_at) VALUES (?, ?, ?)");
    const insertMany = sqlite.transaction((payloads: string[], orderingKey: string | null, availableAt: number) => {
      for (const payload of payloads) this.#insert.run(payload, orderingKey, availableAt);
    });
    this.#insertMany = (...args) => insertMany.immediate(...args);

    const pickNext = sqlite.prepare<{ now: number }, { id: number; attempts: number }>(
      `SELECT q.id, q.attempts FROM queue q
       WHERE q.failed_at IS NULL AND q.available_at <= @now
         AND (q.locked_until IS NULL OR q.locked_until <= @now)
         AND (q.ordering_key IS NULL OR NOT EXISTS (
           SELECT 1 FROM queue e
           WHERE e.ordering_key = q.ordering_key AND e.id < q.id AND e.failed_at IS NULL))
       ORDER BY q.available_at, q.id
       LIMIT 1`,
    );
    const lock = sqlite.prepare<{ id: number; until: number; token: string }, ClaimedRow>(
      `UPDATE queue SET locked_until = @until, locked_by = @token, attempts = attempts + 1
       WHERE id = @id RETURNING id, payload, attempts, locked_by AS lockedBy`,
    );
    const parkUnheld = sqlite.prepare<[number, number]>(
      "UPDATE queue SET failed_at = ?, locked_until = NULL, locked_by = NULL WHERE id = ?",
    );
    // Pick and lock in one immediate transaction: the write lock is taken up
    // front, so no other process can pick the same row in between.
    const claim = sqlite.transaction((now: number): ClaimedRow | undefined => {
      for (;;) {
        const next = pickNext.get({ now });
        if (next === undefined) return undefined;
        if (next.attempts < this.#maxAttempts)
          return lock.get({
            id: next.id,
            until: now + this.#leaseMs,
            token: randomUUID(),
          });
        // Out of attempts yet claimable again: its worker died during the last
        // allowed attempt (a message that crashes workers). Park it.
        parkUnheld.run(now, next.id);
        logger.warn("Message {id} parked after {attempts} attempts; its worker never finished it", { ...next });
      }
    });
    this.#claim = (now) => claim.immediate(now);

    this.#renew = sqlite.prepare("UPDATE queue SET locked_until = ? WHERE id = ? AND locked_by = ?");
    this.#complete = sqlite.prepare("DELETE FROM queue WHERE id = ?");
    this.#release = sqlite.prepare(
      "UPDATE queue SET available_at = ?, locked_until = NULL, locked_by = NULL WHERE id = ? AND locked_by = ?",
    );
    this.#park = sqlite.prepare(
      "UPDATE queue SET failed_at = ?, locked_until = NULL, locked_by = NULL WHERE id = ? AND locked_by = ?",
    );
    this.#requeue = sqlite.prepare(
      "UPDATE queue SET failed_at = NULL, attempts = 0, available_at = ? WHERE failed_at IS NOT NULL",
    );
    this.#nextDue = sqlite.prepare(
      "SELECT min(available_at) AS at FROM queue WHERE available_at > ? AND failed_at IS NULL",
    );
    this.#depth = sqlite.prepare(
      `SELECT count(*) AS queued, sum(available_at <= ?) AS ready FROM queue
       WHERE failed_at IS NULL AND (locked_until IS NULL OR locked_until <= ?)`,
    );
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions): Promise<void> {
    try {
      const delay = toMs(options?.delay as Temporal.Duration | undefined);
      const payloads = messages.map((message) => {
        const payload = JSON.stringify(message);
        if (payload === undefined) throw new TypeError("Queue messages must be JSON-serialisable");
        return payload;
      });
      if (payloads.length === 0) return Promise.resolve();
      this.#insertMany(payloads, options?.orderingKey ?? null, Date.now() + delay);
      // Delayed ones too: a sleeping listener then shortens its sleep to the new due time.
      this.#wakeAll();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  getDepth(): Promise<MessageQueueDepth> {
    const now = Date.now();
    const { queued, ready } = this.#depth.get(now, now) ?? {
      queued: 0,
      ready: 0,
    };
    return Promise.resolve({
      queued,
      ready: ready ?? 0,
      delayed: queued - (ready ?? 0),
    });
  }

  /** Puts every parked message back in line with a fresh attempt count; returns how many. */
  requeueFailed(): number {
    const changes = this.#requeue.run(Date.now()).changes;
    if (changes > 0) this.#wakeAll();
    return changes;
  }

  /**
   * Handles messages until `signal` aborts, up to `concurrency` at a time.
   * Resolves once the in-flight handlers have finished; never rejects.
   */
  async listen(handler: Handler, options?: MessageQueueListenOptions): Promise<void> {
    const signal = options?.signal;
    const inFlight = new Set<Promise<void>>();
    let woken = false;
    let wake: Wake = () => {
      woken = true;
    };
    const onWake: Wake = () => wake();
    const listeners = wakers.get(this.#wakeKey) ?? new Set<Wake>();
    wakers.set(this.#wakeKey, listeners);
    listeners.add(onWake);

    try {
      while (!signal?.aborted) {
        woken = false;
        while (inFlight.size < this.#concurrency && !signal?.aborted) {
          let row: ClaimedRow | undefined;
          try {
            // The database was closed under us (shutdown): nothing left to listen to.
            if (!this.#sqlite.open) return;
            row = this.#claim(Date.now());
          } catch (error) {
            // A busy or failing database must not end the listener: try again at the next poll.
            logger.error("Claiming a queued message failed: {error}", {
              error,
            });
            break;
          }
          if (row === undefined) break;
          const running: Promise<void> = this.#handle(row, handler).finally(() => {
            inFlight.delete(running);
            onWake();
          });
          inFlight.add(running);
        }
        if (woken) continue;
        const sleepMs = this.#sleepMs();
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            wake = () => {
              woken = true;
            };
            resolve();
          };
          const timer = setTimeout(done, sleepMs);
          signal?.addEventListener("abort", done, { once: true });
          wake = done;
        });
      }
    } finally {
      listeners.delete(onWake);
      if (listeners.size === 0) wakers.delete(this.#wakeKey);
      await Promise.allSettled(inFlight);
    }
  }

  /**
   * How long an idle listener sleeps: until the next delayed or backed-off
   * message is due if that comes before the next poll. Local enqueues wake it
   * earlier; the poll finds other processes' messages and lapsed leases.
   */
  #sleepMs(): number {
    try {
      const now = Date.now();
      const at = this.#nextDue.get(now)?.at;
      // One extra millisecond: timers may fire a hair early against the wall clock.
      if (at != null) return Math.min(this.#pollIntervalMs, at - now + 1);
    } catch (error) {
      logger.error("Reading the next due time failed: {error}", { error });
    }
    return this.#pollIntervalMs;
  }

  /** Runs one claimed message to completion; never throws. */
  async #handle(row: ClaimedRow, handler: Handler): Promise<void> {
    // Keep the lease alive while the handler runs, so a slow handler is not
    // mistaken for a dead worker and handed to a second one.
    const heartbeat = setInterval(
      () => this.#quietly(() => this.#renew.run(Date.now() + this.#leaseMs, row.id, row.lockedBy)),
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      await handler(JSON.parse(row.payload));
    } catch (error) {
      clearInterval(heartbeat);
      this.#quietly(() => this.#fail(row, error));
      return;
    }
    clearInterval(heartbeat);
    // Deleted even if our lease lapsed meanwhile: the message was handled,
    // which is all at-least-once asks.
    this.#quietly(() => this.#complete.run(row.id));
  }

  #fail(row: ClaimedRow, error: unknown): void {
    const now = Date.now();
    const reason = error instanceof Error ? error.message : String(error);
    if (row.attempts >= this.#maxAttempts) {
      this.#park.run(now, row.id, row.lockedBy);
      logger.warn("Message {id} parked after {attempts} failed attempts: {reason}", {
        id: row.id,
        attempts: row.attempts,
        reason,
      });
      return;
    }
    const backoff = Math.min(this.#retryBaseMs * 2 ** (row.attempts - 1), this.#retryMaxMs);
    this.#release.run(now + backoff, row.id, row.lockedBy);
    logger.warn("Message {id} failed (attempt {attempts}), retrying in {backoff} ms: {reason}", {
      id: row.id,
      attempts: row.attempts,
      backoff,
      reason,
    });
  }

  /** Bookkeeping writes after a handler must not throw into the listener; a lapsed lease covers a lost write. */
  #quietly(write: () => unknown): void {
    try {
      if (this.#sqlite.open) write();
    } catch (error) {
      logger.error("Queue bookkeeping failed: {error}", { error });
    }
  }

  #wakeAll(): void {
    for (const wake of wakers.get(this.#wakeKey) ?? []) wake();
  }
}
