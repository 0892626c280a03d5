import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(unixepoch('subsec') * 1000)`;

/** People of the community. A member who leaves keeps the row (ballots and shifts refer to it) with status "left". */
export const membersTable = sqliteTable(
  "members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    handle: text("handle").notNull().unique(),
    displayName: text("display_name").notNull(),
    /** "scrypt$<salt b64url>$<hash b64url>"; null for invite-only accounts that never set one. */
    passwordHash: text("password_hash"),
    status: text("status", { enum: ["pending", "active", "left"] }).notNull(),
    role: text("role", { enum: ["member", "coordinator"] })
      .notNull()
      .default("member"),
    /** End of the coordinator's term (epoch ms); the role lapses by itself then. */
    coordinatorUntil: integer("coordinator_until"),
    joinedAt: integer("joined_at").notNull().default(now),
    leftAt: integer("left_at"),
  },
  (t) => [check("members_coordinator_term", sql`${t.role} = 'member' OR ${t.coordinatorUntil} IS NOT NULL`)],
);

/** Login sessions; only a SHA-256 of the bearer token is kept. */
export const sessionsTable = sqliteTable("sessions", {
  tokenHash: text("token_hash").primaryKey(),
  memberId: integer("member_id")
    .notNull()
    .references(() => membersTable.id),
  expiresAt: integer("expires_at").notNull(),
  createdAt: integer("created_at").notNull().default(now),
});

/** Invite links: a single-use token that lets someone join under the invite/approval policies. */
export const invitesTable = sqliteTable("invites", {
  tokenHash: text("token_hash").primaryKey(),
  createdBy: integer("created_by").references(() => membersTable.id),
  expiresAt: integer("expires_at").notNull(),
  usedBy: integer("used_by").references(() => membersTable.id),
  createdAt: integer("created_at").notNull().default(now),
});

/** Current policy values; absent keys take their defaults (policy.ts). */
export const policyTable = sqliteTable("community_policy", {
  key: text("key").primaryKey(),
  valueJson: text("value_json").notNull(),
  updatedAt: integer("updated_at").notNull().default(now),
});

/** Votes of the assembly. `subject` says what a passing result does (policy change, election, a commitment...). */
export const votesTable = sqliteTable(
  "votes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    question: text("question").notNull(),
    /** JSON array of option labels. */
    optionsJson: text("options_json").notNull(),
    /** JSON: {kind: "question"|"policy"|"elect"|"recall"|"commitment", ...}. */
    subjectJson: text("subject_json").notNull(),
    opensAt: integer("opens_at").notNull(),
    closesAt: integer("closes_at").notNull(),
    quorum: real("quorum").notNull(),
    majority: text("majority", { enum: ["simple", "qualified"] }).notNull(),
    ballots: text("ballots", { enum: ["secret", "open"] }).notNull(),
    createdBy: integer("created_by").references(() => membersTable.id),
    /** JSON tally once closed; null while open. */
    resultJson: text("result_json"),
    outcome: text("outcome", { enum: ["passed", "failed", "no-quorum", "tie"] }),
    closedAt: integer("closed_at"),
  },
  (t) => [
    check("votes_window", sql`${t.closesAt} > ${t.opensAt}`),
    check("votes_quorum", sql`${t.quorum} >= 0 AND ${t.quorum} <= 1`),
    index("votes_open_idx").on(t.closedAt, t.closesAt),
  ],
);

/**
 * One ballot per member per vote (changing a vote overwrites it). Secret
 * ballots are deleted when the vote closes, leaving only the tally.
 */
export const ballotsTable = sqliteTable(
  "ballots",
  {
    voteId: integer("vote_id")
      .notNull()
      .references(() => votesTable.id),
    memberId: integer("member_id")
      .notNull()
      .references(() => membersTable.id),
    choice: text("choice").notNull(),
    castAt: integer("cast_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.voteId, t.memberId] })],
);

/** The public, append-only, hash-chained record of decisions, goods flows and voucher totals. */
export const ledgerTable = sqliteTable("ledger_entries", {
  seq: integer("seq").primaryKey(),
  type: text("type").notNull(),
  payloadJson: text("payload_json").notNull(),
  prevHash: text("prev_hash").notNull(),
  hash: text("hash").notNull().unique(),
  at: integer("at").notNull(),
});

/** Voucher cycles, [startsAt, endsAt) in epoch ms; vouchers of a cycle are only valid inside it. */
export const cyclesTable = sqliteTable(
  "cycles",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    startsAt: integer("starts_at").notNull().unique(),
    endsAt: integer("ends_at").notNull(),
    timeZone: text("time_zone").notNull(),
    /** Set once the cycle's unspent vouchers are written off (in the ledger). */
    expiredAt: integer("expired_at"),
  },
  (t) => [check("cycles_span", sql`${t.endsAt} > ${t.startsAt}`)],
);

/**
 * A member's vouchers for one cycle. Belongs to exactly one member and one
 * cycle (no transfer: there is no column to move it and no operation that
 * changes member_id); spent never exceeds amount.
 */
export const vouchersTable = sqliteTable(
  "vouchers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    memberId: integer("member_id")
      .notNull()
      .references(() => membersTable.id),
    cycleId: integer("cycle_id")
      .notNull()
      .references(() => cyclesTable.id),
    amount: integer("amount").notNull(),
    spent: integer("spent").notNull().default(0),
    voidedAt: integer("voided_at"),
  },
  (t) => [
    uniqueIndex("vouchers_member_cycle_idx").on(t.memberId, t.cycleId),
    check("vouchers_amount", sql`${t.amount} >= 0`),
    check("vouchers_spent", sql`${t.spent} >= 0 AND ${t.spent} <= ${t.amount}`),
  ],
);

/** What vouchers were spent on (a member sees their own; the ledger only gets totals). */
export const voucherSpendsTable = sqliteTable("voucher_spends", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  voucherId: integer("voucher_id")
    .notNull()
    .references(() => vouchersTable.id),
  amount: integer("amount").notNull(),
  purpose: text("purpose").notNull(),
  at: integer("at").notNull(),
});

/** Recurring weekly work slots (a rota line): e.g. cooking, Tuesday 11:00, 3 hours, 4 people. */
export const shiftsTable = sqliteTable(
  "shifts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", {
      enum: ["cooking", "cleaning", "upkeep", "driving", "childcare", "eldercare", "teaching", "healthcare", "other"],
    }).notNull(),
    title: text("title").notNull(),
    /** ISO weekday, 1 = Monday. */
    weekday: integer("weekday").notNull(),
    startTime: text("start_time").notNull(),
    minutes: integer("minutes").notNull(),
    size: integer("size").notNull(),
    retiredAt: integer("retired_at"),
  },
  (t) => [
    check("shifts_weekday", sql`${t.weekday} BETWEEN 1 AND 7`),
    check("shifts_size", sql`${t.size} >= 1`),
    check("shifts_minutes", sql`${t.minutes} > 0`),
  ],
);

export const shiftSignupsTable = sqliteTable(
  "shift_signups",
  {
    shiftId: integer("shift_id")
      .notNull()
      .references(() => shiftsTable.id),
    memberId: integer("member_id")
      .notNull()
      .references(() => membersTable.id),
    createdAt: integer("created_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.shiftId, t.memberId] })],
);

/** Work actually done, confirmed by a coordinator; the basis of the "hours" voucher rule. */
export const shiftWorkTable = sqliteTable(
  "shift_work",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    shiftId: integer("shift_id")
      .notNull()
      .references(() => shiftsTable.id),
    memberId: integer("member_id")
      .notNull()
      .references(() => membersTable.id),
    /** Local date the shift took place (YYYY-MM-DD in the policy time zone). */
    date: text("date").notNull(),
    workedAt: integer("worked_at").notNull(),
    minutes: integer("minutes").notNull(),
  },
  (t) => [uniqueIndex("shift_work_once_idx").on(t.shiftId, t.memberId, t.date)],
);

/** Refused attempts (double votes, foreign vouchers, transfers...): kept for the assembly to see. */
export const refusedAttemptsTable = sqliteTable("refused_attempts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  memberId: integer("member_id"),
  action: text("action").notNull(),
  reason: text("reason").notNull(),
  at: integer("at").notNull().default(now),
});

/** Ledger heads of followed communities as we saw them; a later mismatch means a rewritten history. */
export const ledgerHeadsSeenTable = sqliteTable(
  "ledger_heads_seen",
  {
    actorUri: text("actor_uri").notNull(),
    seq: integer("seq").notNull(),
    hash: text("hash").notNull(),
    seenAt: integer("seen_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.actorUri, t.seq] })],
);

/** Alerts raised when a followed community's ledger no longer matches what we saw. */
export const ledgerAlertsTable = sqliteTable("ledger_alerts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  actorUri: text("actor_uri").notNull(),
  seq: integer("seq"),
  reason: text("reason").notNull(),
  at: integer("at").notNull().default(now),
});

export type MemberRow = typeof membersTable.$inferSelect;
export type VoteRow = typeof votesTable.$inferSelect;
export type LedgerRow = typeof ledgerTable.$inferSelect;
export type CycleRow = typeof cyclesTable.$inferSelect;
export type VoucherRow = typeof vouchersTable.$inferSelect;
export type ShiftRow = typeof shiftsTable.$inferSelect;
