import type { Logger } from "pino";
import { type Db, inTransaction, type Sqlite } from "../db/client.js";
import type { VoteRow } from "../db/schema/community.js";
import { now } from "./clock.js";
import { loadPolicy } from "./policy-store.js";
import {
  type Commitment,
  type CommitmentRef,
  needsRatification,
  RatificationHooks,
  type RatificationNeed,
} from "./ratification.js";
import { closeVote, dueVotes, insertVote, type VoteSubject } from "./vote-store.js";

/**
 * The community's running parts that outlive one request: the ratification
 * hook table, and closing votes whose window has passed (on a timer and
 * before reads, so results never wait for the timer).
 */
export class Community {
  readonly hooks = new RatificationHooks();
  constructor(
    readonly db: Db,
    readonly sqlite: Sqlite,
    readonly log: Logger,
  ) {}

  /** Closes every vote whose window has ended; tells the hooks about closed ratification votes. */
  async closeDueVotes(): Promise<number> {
    const results = inTransaction(this.sqlite, () => {
      const policy = loadPolicy(this.db);
      return dueVotes(this.db, now()).map((v) => closeVote(this.db, v, policy));
    });
    for (const r of results) {
      if (!r.ratification) continue;
      const heard = await this.hooks.notify(r.ratification).catch((err: unknown) => {
        this.log.error({ err, vote: r.ratification?.voteId }, "ratification hook failed");
        return true;
      });
      if (!heard) this.log.warn({ ref: r.ratification.ref }, "no ratification hook registered for this kind");
    }
    return results.length;
  }

  /**
   * For the exchange code: whether a commitment needs the assembly, and if so
   * the vote (yes/no, policy defaults) whose close will call the hook for `ref.kind`.
   */
  requestRatification(
    commitment: Commitment,
    ref: CommitmentRef,
    createdBy: number | null,
  ): { need: RatificationNeed; vote: VoteRow | null } {
    const policy = loadPolicy(this.db);
    const need = needsRatification(policy, commitment);
    if (!need.needed) return { need, vote: null };
    const at = now();
    const subject: VoteSubject = { kind: "commitment", commitment, ref };
    const vote = inTransaction(this.sqlite, () =>
      insertVote(this.db, {
        question: `Commit ${commitment.quantity} ${commitment.unit} of ${commitment.resource} to ${commitment.counterpart}? (${need.reasons.join("; ")})`,
        options: ["yes", "no"],
        subject,
        opensAt: at,
        closesAt: at + policy.voteWindowHours * 3600 * 1000,
        quorum: policy.voteQuorum,
        majority: policy.voteMajority,
        ballots: policy.ballots,
        createdBy,
      }),
    );
    return { need, vote };
  }
}
