/**
 * Other features (the exchange) follow haul steps without transport knowing
 * them: `recorded` runs inside the transaction that records a step (so a
 * step and what it means elsewhere are saved together), `settled` after the
 * commit (for follow-up work that sends activities), and `looksAfter` claims
 * the hauls a feature finds other drivers for itself, so transport does not
 * re-plan them as well.
 */
import type { Context } from "@fedify/fedify";
import type { Db } from "../db/client.js";
import type { HaulRow } from "../db/schema/transport.js";
import type { NodeServices } from "../federation/context.js";
import type { HaulEventPayload } from "../federation/mappers/haul.js";

export interface HaulStep {
  /** The haul as it was before the step. */
  readonly haul: HaulRow;
  readonly event: HaulEventPayload;
  /** The activity that carried (or announced) the step: the same id at every party. */
  readonly activityId: string;
  readonly actor: string;
}

export interface HaulObserver {
  recorded(db: Db, step: HaulStep): void;
  settled(ctx: Context<NodeServices>, step: HaulStep): Promise<void>;
  looksAfter?(db: Db, haul: HaulRow): boolean;
}

const observers = new Set<HaulObserver>();

export function observeHauls(observer: HaulObserver): void {
  observers.add(observer);
}

export function haulStepRecorded(db: Db, step: HaulStep): void {
  for (const o of observers) o.recorded(db, step);
}

export async function haulStepSettled(ctx: Context<NodeServices>, step: HaulStep): Promise<void> {
  for (const o of observers) await o.settled(ctx, step).catch((err: unknown) => ctx.data.log.error({ err }, "haul observer failed"));
}

/** True when some feature finds drivers for this haul itself (an exchange's leg). */
export function haulLookedAfter(db: Db, haul: HaulRow): boolean {
  for (const o of observers) if (o.looksAfter?.(db, haul)) return true;
  return false;
}
