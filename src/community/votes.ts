/**
 * Pure vote rules: tallying, quorum, majorities, windows. No I/O here; the
 * store (vote-store.ts) feeds rows in and applies what comes out.
 */

export type Majority = "simple" | "qualified";
export type Outcome = "passed" | "failed" | "no-quorum" | "tie";

export interface TallyInput {
  readonly options: readonly string[];
  /** One choice per member (already de-duplicated: the latest ballot of each member). */
  readonly choices: readonly string[];
  /** Members entitled to vote when the vote closes. */
  readonly eligible: number;
  /** Fraction of eligible members who must cast a ballot, 0..1. */
  readonly quorum: number;
  readonly majority: Majority;
}

export interface Tally {
  readonly counts: Record<string, number>;
  readonly cast: number;
  readonly eligible: number;
  /** Ballots needed for the quorum. */
  readonly needed: number;
  readonly outcome: Outcome;
  /** The option that won; null unless passed or failed with a clear leader. */
  readonly winner: string | null;
}

/** Share of the cast ballots the leading option needs: more than half, or at least two thirds. */
export function meetsMajority(top: number, cast: number, majority: Majority): boolean {
  if (cast === 0) return false;
  return majority === "simple" ? top * 2 > cast : top * 3 >= cast * 2;
}

/**
 * Counts ballots. For a yes/no question (the first option is the "yes")
 * "passed" means the first option won with the required majority; for a
 * choice between several options (an election between candidates) it means
 * some option won with that majority. A tie between the leaders is a tie,
 * never decided by order.
 */
export function tally(input: TallyInput): Tally {
  const counts: Record<string, number> = Object.fromEntries(input.options.map((o) => [o, 0]));
  for (const c of input.choices) {
    if (!(c in counts)) throw new RangeError(`ballot for unknown option ${c}`);
    counts[c] = (counts[c] ?? 0) + 1;
  }
  const cast = input.choices.length;
  const needed = Math.ceil(input.quorum * input.eligible);
  const base = { counts, cast, eligible: input.eligible, needed };
  if (cast === 0 || cast < needed) return { ...base, outcome: "no-quorum", winner: null };
  const ranked = [...input.options].sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0));
  const first = ranked[0] as string;
  const top = counts[first] ?? 0;
  if (ranked.length > 1 && (counts[ranked[1] as string] ?? 0) === top) return { ...base, outcome: "tie", winner: null };
  if (!meetsMajority(top, cast, input.majority)) return { ...base, outcome: "failed", winner: null };
  const isYesNo = input.options.length === 2 && input.options[0] === "yes";
  if (isYesNo) return { ...base, outcome: first === "yes" ? "passed" : "failed", winner: first };
  return { ...base, outcome: "passed", winner: first };
}

export type WindowState = "not-open" | "open" | "closed";

/** Windows are half-open, [opensAt, closesAt): at closesAt exactly, the vote is closed. */
export function windowState(at: number, opensAt: number, closesAt: number): WindowState {
  if (at < opensAt) return "not-open";
  return at < closesAt ? "open" : "closed";
}

export type BallotCheck =
  | { ok: true }
  | { ok: false; kind: "forbidden" | "conflict" | "unprocessable"; reason: string };

/** Whether `voter` may cast `choice` now; casting again inside the window replaces the earlier ballot. */
export function checkBallot(args: {
  at: number;
  opensAt: number;
  closesAt: number;
  closed: boolean;
  options: readonly string[];
  choice: string;
  voterEligible: boolean;
  onBehalfOf: number | undefined;
  voterId: number;
}): BallotCheck {
  if (args.onBehalfOf !== undefined && args.onBehalfOf !== args.voterId) {
    return { ok: false, kind: "forbidden", reason: "one member, one vote: you can only cast your own ballot" };
  }
  if (!args.voterEligible)
    return { ok: false, kind: "forbidden", reason: "only active members who joined before the vote opened may vote" };
  const w = windowState(args.at, args.opensAt, args.closesAt);
  if (args.closed || w === "closed") return { ok: false, kind: "conflict", reason: "the voting window has closed" };
  if (w === "not-open") return { ok: false, kind: "conflict", reason: "the voting window has not opened yet" };
  if (!args.options.includes(args.choice)) {
    return { ok: false, kind: "unprocessable", reason: `choice must be one of: ${args.options.join(", ")}` };
  }
  return { ok: true };
}
