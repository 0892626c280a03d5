import { and, asc, eq, isNull, lte } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { ballotsTable, type MemberRow, membersTable, type VoteRow, votesTable } from "../db/schema/community.js";
import { retireBootstrapTokens } from "../node/identity.js";
import { now } from "./clock.js";
import { appendLedger } from "./ledger-store.js";
import { findMember, isCoordinator } from "./members.js";
import type { Policy } from "./policy.js";
import { writePolicy } from "./policy-store.js";
import type { Commitment, CommitmentRef, RatificationResult } from "./ratification.js";
import { ratificationOutcome } from "./ratification.js";
import { type Tally, tally } from "./votes.js";

/** What a vote decides when it passes. */
export type VoteSubject =
  | { kind: "question" }
  | { kind: "policy"; changes: Record<string, unknown> }
  | { kind: "elect"; memberId: number }
  | { kind: "recall"; memberId: number }
  | { kind: "commitment"; commitment: Commitment; ref: CommitmentRef };

export interface NewVote {
  question: string;
  options: string[];
  subject: VoteSubject;
  opensAt: number;
  closesAt: number;
  quorum: number;
  majority: "simple" | "qualified";
  ballots: "secret" | "open";
  createdBy: number | null;
}

export function insertVote(db: Db, v: NewVote): VoteRow {
  return db
    .insert(votesTable)
    .values({
      question: v.question,
      optionsJson: JSON.stringify(v.options),
      subjectJson: JSON.stringify(v.subject),
      opensAt: v.opensAt,
      closesAt: v.closesAt,
      quorum: v.quorum,
      majority: v.majority,
      ballots: v.ballots,
      createdBy: v.createdBy,
    })
    .returning()
    .get();
}

export function findVote(db: Db, id: number): VoteRow | undefined {
  return db.select().from(votesTable).where(eq(votesTable.id, id)).get();
}

export function listVotes(db: Db): VoteRow[] {
  return db.select().from(votesTable).orderBy(asc(votesTable.id)).all();
}

export const voteOptions = (v: VoteRow): string[] => JSON.parse(v.optionsJson);
export const voteSubject = (v: VoteRow): VoteSubject => JSON.parse(v.subjectJson);

/** Members who joined before the vote opened and are still active: one member, one vote. */
export function isEligible(m: MemberRow, v: Pick<VoteRow, "opensAt">): boolean {
  return m.status === "active" && m.joinedAt <= v.opensAt;
}

function eligibleCount(db: Db, v: VoteRow): number {
  return db
    .select()
    .from(membersTable)
    .where(and(eq(membersTable.status, "active"), lte(membersTable.joinedAt, v.opensAt)))
    .all().length;
}

/** Casts or replaces the member's ballot (the caller has checked the rules). */
export function castBallot(db: Db, voteId: number, memberId: number, choice: string): void {
  db.insert(ballotsTable)
    .values({ voteId, memberId, choice, castAt: now() })
    .onConflictDoUpdate({ target: [ballotsTable.voteId, ballotsTable.memberId], set: { choice, castAt: now() } })
    .run();
}

export function ballotsOf(db: Db, voteId: number) {
  return db.select().from(ballotsTable).where(eq(ballotsTable.voteId, voteId)).all();
}

export function myBallot(db: Db, voteId: number, memberId: number): string | null {
  return (
    db
      .select()
      .from(ballotsTable)
      .where(and(eq(ballotsTable.voteId, voteId), eq(ballotsTable.memberId, memberId)))
      .get()?.choice ?? null
  );
}

/** Votes whose window has passed but that are not closed yet. */
export function dueVotes(db: Db, at: number): VoteRow[] {
  return db
    .select()
    .from(votesTable)
    .where(and(isNull(votesTable.closedAt), lte(votesTable.closesAt, at)))
    .all();
}

/**
 * Closes one vote: tallies, records the result on the ledger, applies what a
 * pass decides (policy change, election, recall) in the same transaction.
 * Returns the ratification result for commitment votes, for the hooks to hear
 * after commit. Call inside a transaction.
 */
export function closeVote(
  db: Db,
  vote: VoteRow,
  policy: Policy,
): { tally: Tally; ratification: RatificationResult | null } {
  const at = now();
  const options = voteOptions(vote);
  const subject = voteSubject(vote);
  const ballots = ballotsOf(db, vote.id);
  const result = tally({
    options,
    choices: ballots.map((b) => b.choice),
    eligible: eligibleCount(db, vote),
    quorum: vote.quorum,
    majority: vote.majority,
  });
  db.update(votesTable)
    .set({ resultJson: JSON.stringify(result), outcome: result.outcome, closedAt: at })
    .where(eq(votesTable.id, vote.id))
    .run();
  // Secret ballots: once counted, who chose what is forgotten; only the tally stays.
  if (vote.ballots === "secret") db.delete(ballotsTable).where(eq(ballotsTable.voteId, vote.id)).run();
  appendLedger(db, "vote-result", {
    vote: vote.id,
    question: vote.question,
    subject:
      subject.kind === "commitment"
        ? { kind: "commitment", ref: subject.ref, commitment: subject.commitment }
        : subject,
    outcome: result.outcome,
    counts: result.counts,
    cast: result.cast,
    eligible: result.eligible,
    ...(vote.ballots === "open" ? { ballots: openBallots(db, ballots) } : {}),
  });
  if (result.outcome === "passed") applyPass(db, vote, subject, policy, at);
  const ratification =
    subject.kind === "commitment"
      ? {
          voteId: vote.id,
          ref: subject.ref,
          commitment: subject.commitment,
          outcome: ratificationOutcome(result.outcome),
        }
      : null;
  return { tally: result, ratification };
}

function openBallots(db: Db, ballots: { memberId: number; choice: string }[]) {
  return ballots.map((b) => ({ member: findMember(db, b.memberId)?.handle ?? String(b.memberId), choice: b.choice }));
}

function applyPass(db: Db, vote: VoteRow, subject: VoteSubject, policy: Policy, at: number): void {
  switch (subject.kind) {
    case "policy":
      writePolicy(db, subject.changes);
      appendLedger(db, "policy-change", { vote: vote.id, changes: subject.changes });
      return;
    case "elect": {
      const m = findMember(db, subject.memberId);
      if (m?.status !== "active") return;
      const hadCoordinators = db
        .select()
        .from(membersTable)
        .all()
        .some((x) => isCoordinator(x, at));
      const until = at + policy.coordinatorTermDays * 24 * 3600 * 1000;
      db.update(membersTable)
        .set({ role: "coordinator", coordinatorUntil: until })
        .where(eq(membersTable.id, m.id))
        .run();
      appendLedger(db, "election", { vote: vote.id, member: m.handle, until: new Date(until).toISOString() });
      if (!hadCoordinators && retireBootstrapTokens(db, at) > 0) {
        appendLedger(db, "bootstrap-retired", { vote: vote.id, reason: "first coordinators elected" });
      }
      return;
    }
    case "recall": {
      const m = findMember(db, subject.memberId);
      if (!m) return;
      db.update(membersTable).set({ role: "member", coordinatorUntil: null }).where(eq(membersTable.id, m.id)).run();
      appendLedger(db, "recall", { vote: vote.id, member: m.handle });
      return;
    }
    default:
      return;
  }
}
