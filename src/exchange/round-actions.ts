/**
 * Planning rounds on this node, one at a time. The API runs a round within
 * its request; the dashboard starts one in the background and shows its
 * stage until it ends. Both go through here, so a second start while one
 * runs is refused either way.
 *
 * The running round lives in memory only: a restart drops a round that had
 * not finished, and leaves nothing half-written, because `runRound` saves
 * the round, its exchanges and their activities in one transaction at its
 * very end.
 */
import type { Context } from "@fedify/fedify";
import type { NodeServices } from "../federation/context.js";
import { type RoundOptions, type RoundOutcome, type RoundStage, runRound } from "./rounds.js";

type Ctx = Context<NodeServices>;

export type RoundRunner = (ctx: Ctx, options: RoundOptions) => Promise<RoundOutcome>;

export interface RoundJob {
  readonly startedAt: number;
  readonly stage: RoundStage;
  /** Null while it runs. */
  readonly finishedAt: number | null;
  readonly outcome: { ok: true; id: string; url: string; proposals: number } | { ok: false; reason: string } | null;
}

export type RoundStart = { ok: true; done: Promise<RoundOutcome> } | { ok: false; reason: string };

export const ROUND_BUSY = "A planning round is already running on this node; wait for it to finish.";

export class RoundJobs {
  #job: RoundJob | null = null;
  #running: Promise<RoundOutcome> | null = null;

  constructor(
    private readonly context: () => Ctx,
    private readonly log: NodeServices["log"],
    private readonly run: RoundRunner = runRound,
  ) {}

  /** Settles when no round runs (the node waits for it on close). */
  async idle(): Promise<void> {
    await this.#running;
  }

  /** The round running now, or the last one this process ran (null after a restart). */
  current(): RoundJob | null {
    return this.#job;
  }

  /**
   * Starts a round unless one is running. `done` settles when it ends (the
   * API awaits it; the dashboard does not). A round that throws ends as a
   * failure with the error's message, never as a stuck "running".
   */
  start(options: Omit<RoundOptions, "onStage">): RoundStart {
    if (this.#running) return { ok: false, reason: ROUND_BUSY };
    const startedAt = Date.now();
    this.#job = { startedAt, stage: "gathering", finishedAt: null, outcome: null };
    const onStage = (stage: RoundStage) => {
      if (this.#job?.startedAt === startedAt && this.#job.finishedAt === null) this.#job = { ...this.#job, stage };
    };
    const done = (async (): Promise<RoundOutcome> => {
      try {
        return await this.run(this.context(), { ...options, onStage });
      } catch (err) {
        this.log.error({ err }, "planning round failed");
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    })().then((outcome) => {
      this.#job = {
        startedAt,
        stage: this.#job?.stage ?? "sending",
        finishedAt: Date.now(),
        outcome: outcome.ok
          ? { ok: true, id: outcome.round.id, url: outcome.round.url, proposals: outcome.round.exchanges.length }
          : outcome,
      };
      this.#running = null;
      return outcome;
    });
    this.#running = done;
    return { ok: true, done };
  }
}
