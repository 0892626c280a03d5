/**
 * A planning round on this node: inputs from the network view → canonical
 * problem → planner → one exchange proposal per flow, sent to the supplier
 * and the receiver. The round (inputs, problem, plan, digest, planner
 * version) is public at /rounds/{id} so any node can recompute it.
 */
import type { Context } from "@fedify/fedify";
import { eq } from "drizzle-orm";
import { followingTable } from "../db/schema/federation.js";
import { routesTable } from "../db/schema/transport.js";
import type { NodeServices } from "../federation/context.js";
import type { WireParty } from "../federation/mappers/exchange.js";
import { commitWithActivities, type PreparedActivity } from "../federation/outbox.js";
import { PLANNER_VERSION, type Plan, type Problem, validateProblem } from "../planning/index.js";
import { PlannerTimeLimitError, solveOffThread } from "../planning/off-thread.js";
import { buildRoundInputs, localKind } from "./inputs.js";
import { prepareExchangeEvent, selfUri } from "./publish.js";
import { buildProblem, checkRound, problemDigest, proposalsFromPlan, type RoundCheck } from "./round.js";
import type { ExchangeEvent } from "./state.js";
import { addEvent, insertExchange, insertRound, type NewExchange } from "./store.js";

type Ctx = Context<NodeServices>;

export interface RoundOptions {
  /** Seconds the parties have to answer. */
  readonly answerSeconds: number;
  readonly horizonDays: number;
  /** Told as the round moves on (the dashboard shows it while the round runs). */
  readonly onStage?: (stage: RoundStage) => void;
}

/** The steps of a round, in order. */
export const ROUND_STAGES = ["gathering", "solving", "sending"] as const;
export type RoundStage = (typeof ROUND_STAGES)[number];

export interface RoundResult {
  readonly id: string;
  readonly url: string;
  readonly digest: string;
  readonly plannerVersion: string;
  readonly deadline: string;
  readonly plan: Plan;
  readonly exchanges: readonly string[];
}

export type RoundOutcome =
  | { ok: true; round: RoundResult }
  /** `timedOut`: the planner was stopped at its time limit (the node's setting, not the network's fault). */
  | { ok: false; reason: string; timedOut?: true };

/**
 * Runs a round. Nothing is written until the plan is made and every proposal's
 * activity is prepared; then the round, its exchanges, their "proposed"
 * events and the activities announcing them are saved in ONE transaction, so
 * a crash (or a restart) part-way leaves no half-sent round behind.
 */
export async function runRound(ctx: Ctx, options: RoundOptions): Promise<RoundOutcome> {
  const { db, config } = ctx.data;
  const now = new Date();
  const me = selfUri(ctx);
  options.onStage?.("gathering");
  const inputs = buildRoundInputs(
    db,
    {
      actor: me,
      name: config.name,
      lat: config.location?.lat ?? null,
      lon: config.location?.lon ?? null,
      itemUri: (id) => new URL(`/supply/${id}`, config.origin).href,
    },
    now,
    options.horizonDays,
  );
  const problem = buildProblem(inputs);
  const valid = validateProblem(problem);
  if (!valid.ok) return { ok: false, reason: `the network view does not make a valid problem: ${valid.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}` };
  options.onStage?.("solving");
  let plan: Plan;
  try {
    plan = await solveOffThread(problem, { timeLimitSeconds: config.plannerTimeLimit });
  } catch (err) {
    if (!(err instanceof PlannerTimeLimitError)) throw err;
    return { ok: false, reason: `${err.message}; nothing was proposed (${PLANNER_TIME_LIMIT_HINT})`, timedOut: true };
  }
  options.onStage?.("sending");
  const digest = problemDigest(problem);
  const deadline = new Date(now.getTime() + options.answerSeconds * 1000).toISOString();
  const drafts = proposalsFromPlan(inputs, plan, { deadline, plannerVersion: PLANNER_VERSION, digest });
  const id = crypto.randomUUID();
  const url = new URL(`/rounds/${id}`, config.origin).href;
  const proposals: { row: NewExchange; event: ExchangeEvent; activity: PreparedActivity }[] = [];
  for (const d of drafts) {
    const uri = new URL(`/exchanges/${crypto.randomUUID()}`, config.origin).href;
    const kind = localKind(db, d.facts.resource);
    const drivers = [...new Set(d.facts.legs.map((l) => l.driver).filter((x): x is string => !!x))];
    const row: NewExchange = {
      uri,
      roundUri: url,
      proposer: me,
      supplier: d.facts.supplier,
      receiver: d.facts.receiver,
      offerUri: d.offer,
      needUri: d.need,
      unit: kind?.unit ?? "unit",
      kgPerUnit: kind?.kgPerUnit ?? 1,
      partiesJson: JSON.stringify(partiesOf(ctx, [me, d.facts.supplier, d.facts.receiver], drivers)),
    };
    const event: ExchangeEvent = { id: `${uri}#proposed`, at: now.toISOString(), kind: "proposed", proposal: d.facts };
    proposals.push({ row, event, activity: await prepareExchangeEvent(ctx, row, event) });
  }
  commitWithActivities(ctx.data, (emit) => {
    insertRound(db, {
      id,
      uri: url,
      inputsJson: JSON.stringify(inputs),
      problemJson: JSON.stringify(problem),
      planJson: JSON.stringify(plan),
      digest,
      plannerVersion: PLANNER_VERSION,
      deadline: Date.parse(deadline),
    });
    for (const p of proposals) {
      insertExchange(db, p.row);
      addEvent(db, p.row.uri, me, p.event);
      emit(p.activity);
    }
  });
  const exchanges = proposals.map((p) => p.row.uri);
  return { ok: true, round: { id, url, digest, plannerVersion: PLANNER_VERSION, deadline, plan, exchanges } };
}

/** Every party with its inbox: us, the communities we follow, the drivers whose routes we know. */
function partiesOf(ctx: Ctx, communities: readonly string[], drivers: readonly string[]): WireParty[] {
  const { db, config } = ctx.data;
  const out = new Map<string, WireParty>();
  for (const c of communities) {
    if (out.has(c)) continue;
    if (c === selfUri(ctx)) {
      out.set(c, { id: c, inbox: ctx.getInboxUri(config.handle).href, sharedInbox: ctx.getInboxUri().href });
      continue;
    }
    const f = db.select().from(followingTable).where(eq(followingTable.actorUri, c)).get();
    if (f) out.set(c, { id: c, inbox: f.inboxUrl, sharedInbox: f.sharedInboxUrl });
  }
  for (const d of drivers) {
    const r = db.select().from(routesTable).where(eq(routesTable.driverUri, d)).get();
    if (r && !out.has(d)) out.set(d, { id: d, inbox: r.driverInbox, sharedInbox: null });
  }
  return [...out.values()];
}

/** A round as published: what anyone needs to recompute it. */
export interface PublishedRound {
  readonly id: string;
  readonly url: string;
  readonly problem: Problem;
  readonly plan: Plan;
  readonly digest: string;
  readonly plannerVersion: string;
  readonly deadline: string;
}

/** Where an operator allows plans more time. */
export const PLANNER_TIME_LIMIT_HINT = "--planner-time-limit or TENDRIL_PLANNER_TIME_LIMIT allows longer";

/** Recompute a published round: digest of its problem, then the plan, compared byte for byte. Throws PlannerTimeLimitError past the limit. */
export async function verifyRound(
  r: Pick<PublishedRound, "problem" | "plan" | "digest" | "plannerVersion">,
  timeLimitSeconds: number,
): Promise<RoundCheck & { plannerVersion: string }> {
  const valid = validateProblem(r.problem);
  if (!valid.ok) return { ok: false, reason: "digest-mismatch", detail: "the published problem is not a valid planning problem", plannerVersion: PLANNER_VERSION };
  const recomputed = await solveOffThread(valid.problem, { timeLimitSeconds });
  const check = checkRound(r.problem, { digest: r.digest, plan: r.plan }, recomputed);
  if (check.ok && r.plannerVersion !== PLANNER_VERSION) {
    return { ok: false, reason: "plan-mismatch", detail: `the round used ${r.plannerVersion}, this node runs ${PLANNER_VERSION}`, plannerVersion: PLANNER_VERSION };
  }
  return { ...check, plannerVersion: PLANNER_VERSION };
}
