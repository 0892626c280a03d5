import type { Context } from "@fedify/fedify";
import { Activity, PropertyValue, type Recipient } from "@fedify/vocab";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Logger } from "pino";
import { type Db, inTransaction, type Sqlite } from "../db/client.js";
import { ledgerHead } from "../community/ledger-store.js";
import { followersTable, outboxTable } from "../db/schema/federation.js";
import type { NodeServices } from "./context.js";

/** Name of the PropertyValue carrying the sender's ledger head (`seq:hash`). */
export const LEDGER_HEAD_PROPERTY = "ledgerHead";

/** Who receives an activity: the sender's accepted followers and/or named actors. */
export interface Audience {
  readonly followers: boolean;
  readonly actors: readonly AddressedActor[];
}

export interface AddressedActor {
  readonly id: string;
  readonly inbox: string;
  readonly sharedInbox?: string | null;
}

/** An activity serialised and ready to be written in the same transaction as its change. */
export interface PreparedActivity {
  readonly id: string;
  readonly sender: string;
  readonly type: string;
  readonly json: string;
  readonly audience: Audience;
  readonly listed: boolean;
}

export interface PrepareOptions {
  /** Identifier of the local sending actor. */
  readonly sender: string;
  readonly audience: Audience;
  /** Whether the activity appears in the sender's public outbox (public activities do). */
  readonly listed?: boolean;
}

/**
 * Serialises an activity before the transaction opens: JSON-LD compaction is
 * asynchronous and better-sqlite3 transactions are synchronous, so the
 * activity is built first and only written inside the transaction.
 */
export async function prepareActivity(
  ctx: Context<NodeServices>,
  activity: Activity,
  options: PrepareOptions,
): Promise<PreparedActivity> {
  if (activity.id === null) throw new Error("an outgoing activity needs an id");
  const stamped =
    options.sender === ctx.data.config.handle ? await withLedgerHead(ctx, activity, ledgerHead(ctx.data.db)) : activity;
  const json = await stamped.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
  const type = (json as { type?: unknown }).type;
  return {
    id: activity.id.href,
    sender: options.sender,
    type: typeof type === "string" ? type : "Activity",
    json: JSON.stringify(json),
    audience: options.audience,
    listed: options.listed ?? false,
  };
}

/**
 * The community's ledger head rides on everything it sends, so a follower
 * notices a rewritten history on the next activity, not only when it polls.
 */
async function withLedgerHead(ctx: Context<NodeServices>, activity: Activity, head: string): Promise<Activity> {
  const attachments = [];
  for await (const a of activity.getAttachments({
    documentLoader: ctx.documentLoader,
    contextLoader: ctx.contextLoader,
  })) {
    if (!(a instanceof PropertyValue && a.name?.toString() === LEDGER_HEAD_PROPERTY)) attachments.push(a);
  }
  return activity.clone({
    attachments: [...attachments, new PropertyValue({ name: LEDGER_HEAD_PROPERTY, value: head })],
  });
}

/** Writes prepared activities; call inside the transaction that makes the change they announce. */
export function writeToOutbox(db: Db, activities: readonly PreparedActivity[]): void {
  for (const a of activities) {
    db.insert(outboxTable)
      .values({
        activityId: a.id,
        sender: a.sender,
        activityType: a.type,
        activityJson: a.json,
        audienceJson: JSON.stringify(a.audience),
        listed: a.listed,
      })
      .run();
  }
}

/**
 * Hands committed outbox rows to Fedify (which queues one delivery per inbox
 * in our durable queue) and marks them handed over. A crash between the two
 * re-sends on restart rather than losing: receivers are idempotent.
 */
export class OutboxDispatcher {
  readonly #db: Db;
  readonly #context: () => Context<unknown>;
  readonly #log: Logger;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(db: Db, context: () => Context<unknown>, log: Logger) {
    this.#db = db;
    this.#context = context;
    this.#log = log;
  }

  /** Ask for a dispatch pass; passes never overlap, and a kick during one schedules another. */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain().finally(() => {
      this.#running = null;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        void this.kick();
      }
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  async #drain(): Promise<void> {
    for (;;) {
      const rows = this.#db
        .select()
        .from(outboxTable)
        .where(isNull(outboxTable.dispatchedAt))
        .orderBy(asc(outboxTable.seq))
        .limit(50)
        .all();
      if (rows.length === 0 || this.#stopped) return;
      for (const row of rows) {
        try {
          await this.#send(row);
          this.#db.update(outboxTable).set({ dispatchedAt: Date.now() }).where(eq(outboxTable.seq, row.seq)).run();
        } catch (error) {
          // Left pending: the next kick (or restart) tries again.
          this.#log.error(
            { err: error, activityId: row.activityId },
            "could not hand an activity to the delivery queue",
          );
          return;
        }
      }
    }
  }

  async #send(row: typeof outboxTable.$inferSelect): Promise<void> {
    const ctx = this.#context();
    const activity = await Activity.fromJsonLd(JSON.parse(row.activityJson), {
      contextLoader: ctx.contextLoader,
      documentLoader: ctx.documentLoader,
    });
    const audience = JSON.parse(row.audienceJson) as Audience;
    const recipients = this.#recipients(row.sender, audience);
    if (recipients.length === 0) return;
    await ctx.sendActivity({ identifier: row.sender }, recipients, activity, {
      preferSharedInbox: true,
      // One ordering key per sender keeps a peer from seeing an Update before its Create.
      orderingKey: row.sender,
    });
  }

  #recipients(sender: string, audience: Audience): Recipient[] {
    const byId = new Map<string, Recipient>();
    if (audience.followers) {
      const followers = this.#db
        .select()
        .from(followersTable)
        .where(and(eq(followersTable.followee, sender), eq(followersTable.status, "accepted")))
        .all();
      for (const f of followers) byId.set(f.actorUri, toRecipient(f.actorUri, f.inboxUrl, f.sharedInboxUrl));
    }
    for (const a of audience.actors) byId.set(a.id, toRecipient(a.id, a.inbox, a.sharedInbox ?? null));
    return [...byId.values()];
  }
}

function toRecipient(id: string, inbox: string, sharedInbox: string | null): Recipient {
  return {
    id: new URL(id),
    inboxId: new URL(inbox),
    endpoints: { sharedInbox: sharedInbox === null ? null : new URL(sharedInbox) },
  };
}

/**
 * The one way a change and the activities announcing it are saved: both in
 * one transaction, or neither. `emit` takes activities prepared beforehand;
 * the change decides which to send. Delivery starts after the commit.
 */
export function commitWithActivities<T>(
  services: { readonly db: Db; readonly sqlite: Sqlite; readonly outbox: OutboxDispatcher },
  change: (emit: (activity: PreparedActivity) => void) => T,
): T {
  const emitted: PreparedActivity[] = [];
  const result = inTransaction(services.sqlite, () => {
    const r = change((a) => emitted.push(a));
    writeToOutbox(services.db, emitted);
    return r;
  });
  if (emitted.length > 0) void services.outbox.kick();
  return result;
}
