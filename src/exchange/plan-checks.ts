/**
 * Whether the plan behind a proposal holds up: its round is fetched (or read
 * here, for our own rounds) and recomputed ONCE, and the result kept by round
 * URI, so showing a proposal never re-solves anything. The cache is in
 * memory: after a restart each round is checked again, once, the first time
 * a page asks.
 */
import type { Logger } from "pino";
import type { Db } from "../db/client.js";
import type { RoundRow } from "../db/schema/exchange.js";
import { PlannerTimeLimitError } from "../planning/off-thread.js";
import { PLANNER_TIME_LIMIT_HINT, type PublishedRound, verifyRound } from "./rounds.js";
import { findRound } from "./store.js";

export type PlanCheckStatus = "verified" | "mismatch" | "unchecked";

export interface PlanCheck {
  readonly status: PlanCheckStatus;
  /** Why a round is a mismatch, or why it could not be checked. */
  readonly detail: string | null;
}

export class PlanChecks {
  readonly #results = new Map<string, PlanCheck>();
  readonly #queued = new Set<string>();
  #chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly origin: string,
    private readonly log: Pick<Logger, "warn">,
    private readonly timeLimitSeconds: number,
  ) {}

  /**
   * The cached result; on a miss the check is queued (one at a time, after
   * the reply) and the round counts as unchecked until it is done.
   */
  statusOf(roundUri: string): PlanCheck {
    const known = this.#results.get(roundUri);
    if (known) return known;
    if (!this.#queued.has(roundUri)) {
      this.#queued.add(roundUri);
      this.#chain = this.#chain.then(() => this.#check(roundUri));
    }
    return { status: "unchecked", detail: null };
  }

  /** Waits for every queued check (tests, and a page that wants the result now). */
  async settled(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.#chain;
      await last;
    } while (last !== this.#chain);
  }

  async #check(roundUri: string): Promise<void> {
    try {
      const round = this.#local(roundUri) ?? (await fetchRound(roundUri));
      if (!round) {
        // Unreachable now: not cached, so a later page asks again.
        this.#queued.delete(roundUri);
        return;
      }
      const check = await verifyRound(round, this.timeLimitSeconds);
      this.#results.set(
        roundUri,
        check.ok ? { status: "verified", detail: null } : { status: "mismatch", detail: check.detail },
      );
    } catch (err) {
      // Too large to recompute here within the limit: said so, and not tried again on every page.
      if (err instanceof PlannerTimeLimitError) {
        this.#results.set(roundUri, { status: "unchecked", detail: `${err.message} (${PLANNER_TIME_LIMIT_HINT})` });
        return;
      }
      this.log.warn({ err, round: roundUri }, "could not check a round's plan");
      this.#queued.delete(roundUri);
    }
  }

  #local(roundUri: string): PublishedRound | null {
    const prefix = new URL("/rounds/", this.origin).href;
    if (!roundUri.startsWith(prefix)) return null;
    const row = findRound(this.db, roundUri.slice(prefix.length));
    return row ? publishedRound(row) : null;
  }
}

/** A round row as published at /rounds/{id}: what anyone needs to recompute it. */
export function publishedRound(
  r: Pick<RoundRow, "id" | "uri" | "problemJson" | "planJson" | "digest" | "plannerVersion" | "deadline">,
): PublishedRound {
  return {
    id: r.id,
    url: r.uri,
    problem: JSON.parse(r.problemJson),
    plan: JSON.parse(r.planJson),
    digest: r.digest,
    plannerVersion: r.plannerVersion,
    deadline: new Date(r.deadline).toISOString(),
  };
}

/** Another node's round, or null when it cannot be fetched or is not a round. */
export async function fetchRound(url: string): Promise<PublishedRound | null> {
  try {
    const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return null;
    const r = (await response.json()) as PublishedRound;
    if (typeof r?.digest !== "string" || typeof r.problem !== "object" || typeof r.plan !== "object") return null;
    return r;
  } catch {
    return null;
  }
}
