import type { Db } from "../db/client.js";
import type { MemberRow } from "../db/schema/community.js";
import { HttpProblem } from "../lib/problem.js";
import { refuse } from "./auth.js";
import { now } from "./clock.js";
import { castBallot, findVote, isEligible, myBallot, voteOptions } from "./vote-store.js";
import { checkBallot } from "./votes.js";

/**
 * A member's ballot, checked by the vote rules and written (refusals are
 * logged). "cast" refuses a second ballot, "change" needs a first one, and
 * "either" (the web form) casts or changes while the window is open.
 * Shared by the JSON API and the member pages; call after closing due votes.
 */
export function submitBallot(
  db: Db,
  member: MemberRow,
  input: { voteId: number; choice: string; onBehalfOf?: number },
  mode: "cast" | "change" | "either",
): "cast" | "change" {
  const v = findVote(db, input.voteId);
  if (!v) throw HttpProblem.of("notFound", `No vote ${input.voteId}`);
  const previous = myBallot(db, v.id, member.id);
  const effective = mode === "either" ? (previous === null ? "cast" : "change") : mode;
  const action = `${effective}-ballot:${v.id}`;
  const check = checkBallot({
    at: now(),
    opensAt: v.opensAt,
    closesAt: v.closesAt,
    closed: v.closedAt !== null,
    options: voteOptions(v),
    choice: input.choice,
    voterEligible: isEligible(member, v),
    onBehalfOf: input.onBehalfOf,
    voterId: member.id,
  });
  if (!check.ok) {
    throw check.kind === "unprocessable"
      ? refuse(db, member.id, action, "validation", check.reason, "choice")
      : refuse(db, member.id, action, check.kind, check.reason);
  }
  if (effective === "cast" && previous !== null) {
    throw refuse(
      db,
      member.id,
      action,
      "conflict",
      "You have already voted; one member, one vote. Change your ballot with PUT while the window is open.",
    );
  }
  if (effective === "change" && previous === null)
    throw refuse(db, member.id, action, "conflict", "You have not voted yet; cast your ballot with POST.");
  castBallot(db, v.id, member.id, input.choice);
  return effective;
}
