/**
 * Re-planning at the requesting node, after a driver's decline or
 * withdrawal was recorded: the pure decision (replan.ts) turned into rows
 * and activities, saved in one transaction. A chain is re-planned as a
 * whole; a haul of one departure is decided as a chain of that one segment,
 * and replaced by a new haul (one departure) or a new chain. Hauls another
 * feature finds drivers for itself (an exchange's legs) are left to it.
 * Idempotent: a segment already superseded or flagged is not acted on
 * again, so a replayed decline re-plans nothing.
 */
import type { Context } from "@fedify/fedify";
import type { HaulRow } from "../db/schema/transport.js";
import type { NodeServices } from "../federation/context.js";
import type { Party } from "../federation/mappers/haul.js";
import { commitWithActivities, type PreparedActivity } from "../federation/outbox.js";
import type { ChainOptions } from "./chains.js";
import { prepareHaulEvent, publishCapacity, routeGraphShrank } from "./federate.js";
import { driversOf, newChainUri } from "./federate-chain.js";
import { haulLookedAfter } from "./haul-observers.js";
import { releaseIfCarriedHere } from "./haul-rows.js";
import { decideReplan, liveSegments, mayStrand, NO_WAY, REPLANNED, type ReplanDecision } from "./replan.js";
import { haulRowOf, prepareHaulOffer } from "./request-haul.js";
import {
  chainWindow,
  findHaulByUri,
  graphInput,
  haulsInChain,
  insertHaul,
  openHaulsRequestedBy,
  refusalsOf,
  saveChainWindow,
  updateHaul,
} from "./store.js";

type Ctx = Context<NodeServices>;

const stampOf = (rows: readonly HaulRow[]) => rows.map((r) => `${r.id}:${r.status}:${r.flag}:${r.updatedAt}`).join(" ");

/** The drivers of a segment: its carrying driver once accepted, else every candidate. */
function driversOfRow(h: HaulRow | undefined): Party[] {
  if (!h) return [];
  const all = JSON.parse(h.driversJson) as Party[];
  return h.driverUri ? all.filter((d) => d.id === h.driverUri) : all;
}

/** What is re-planned: a chain we asked for, or a haul of one departure (no chain) we asked for. */
export type ReplanSubject = { readonly chain: string } | { readonly haul: string };

const subjectOf = (h: Pick<HaulRow, "uri" | "chainUri">): ReplanSubject =>
  h.chainUri ? { chain: h.chainUri } : { haul: h.uri };

/**
 * After a refusal (or a withdrawn departure) of one of our requests was
 * committed: its chain, or the haul itself unless another feature looks
 * after it, is re-planned if stuck. The refusal stands
 * whatever happens here, so a failed re-plan is logged, not thrown (an inbox
 * retry would find the activity already processed; an HTTP caller's decline
 * did succeed). The next refusal or withdrawal tries again.
 */
export async function replanAfterRefusal(ctx: Ctx, haul: HaulRow): Promise<void> {
  if (!haul.chainUri && haulLookedAfter(ctx.data.db, haul)) return;
  await replanLogged(ctx, subjectOf(haul));
}

async function replanLogged(ctx: Ctx, subject: ReplanSubject): Promise<void> {
  try {
    const done = await replan(ctx, subject);
    if (done !== "none") ctx.data.log.info({ ...subject, done }, "haul re-planned");
  } catch (err) {
    ctx.data.log.error({ err, ...subject }, "haul re-plan failed");
  }
}

/**
 * After a route or some of its departures were withdrawn (here or by another
 * node's driver): the chains and hauls of one departure we asked for that the
 * route's driver carries, or may still be asked to carry, are checked (a
 * departure of theirs may have been a segment's accepted one or one of its
 * candidates). Those with nothing stuck are left as they are; the others
 * need no look at all, which keeps a withdrawal cheap on a busy node.
 */
export async function replanAfterWithdrawal(ctx: Ctx, driverUri: string): Promise<void> {
  const self = ctx.getActorUri(ctx.data.config.handle).href;
  const touched = openHaulsRequestedBy(ctx.data.db, self).filter((h) => mayStrand(h, driverUri));
  // One look per chain, however many of its segments the driver touches.
  const seen = new Set<string>();
  for (const h of touched) {
    if (h.chainUri && seen.has(h.chainUri)) continue;
    if (h.chainUri) seen.add(h.chainUri);
    await replanAfterRefusal(ctx, h);
  }
}

/** After the commit that withdrew a route or departures: our hauls are re-planned, then other features hear of it. */
export async function departuresWithdrawn(ctx: Ctx, driverUri: string): Promise<void> {
  await replanAfterWithdrawal(ctx, driverUri);
  await routeGraphShrank(ctx, driverUri);
}

/** Re-plans the chain, or the haul, if a segment of it has nobody left; returns what was done. */
export async function replan(
  ctx: Ctx,
  subject: ReplanSubject,
  options: Partial<ChainOptions> = {},
): Promise<ReplanDecision["kind"]> {
  // A concurrent change makes the transaction give up; try again on the new picture.
  for (let attempt = 0; attempt < 3; attempt++) {
    const done = await attemptReplan(ctx, subject, options);
    if (done !== null) return done;
  }
  return "none";
}

/** The rows the decision is taken on: a chain's segments, or the haul as the one segment of a chain. */
function rowsOf(ctx: Ctx, subject: ReplanSubject): HaulRow[] {
  const { db } = ctx.data;
  if ("chain" in subject) return haulsInChain(db, subject.chain);
  const h = findHaulByUri(db, subject.haul);
  return h && h.chainUri === null ? [{ ...h, chainIndex: 0, chainLength: 1 }] : [];
}

async function attemptReplan(
  ctx: Ctx,
  subject: ReplanSubject,
  options: Partial<ChainOptions>,
): Promise<ReplanDecision["kind"] | null> {
  const { db, config } = ctx.data;
  const self = ctx.getActorUri(config.handle).href;
  const rows = rowsOf(ctx, subject);
  if (rows.length === 0 || rows.some((r) => r.requesterUri !== self)) return "none";
  const window = ("chain" in subject ? chainWindow(db, subject.chain) : undefined) ?? {
    start: Math.min(...rows.map((r) => r.windowStart)),
    end: Math.max(...rows.map((r) => r.windowEnd)),
  };
  const decision = decideReplan(
    rows,
    refusalsOf(
      db,
      rows.map((r) => r.uri),
    ),
    graphInput(db),
    window,
    options,
  );
  if (decision.kind === "none") return "none";
  const byUri = new Map(rows.map((r) => [r.uri, r]));
  const stamp = stampOf(rows);
  const unchanged = () => stampOf(rowsOf(ctx, subject)) === stamp;

  if (decision.kind === "no_way") {
    const flagged = decision.flag.map((u) => byUri.get(u)!);
    if (flagged.length === 0) return "none";
    const notes = await Promise.all(
      flagged.map((h) => prepareHaulEvent(ctx, h, { type: "no_way", haul: h.uri }, config.handle)),
    );
    const ok = commitWithActivities(ctx.data, (emit) => {
      if (!unchanged()) return false;
      for (const h of flagged) updateHaul(db, h.id, { flag: NO_WAY });
      for (const n of notes) emit(n);
      return true;
    });
    return ok ? "no_way" : null;
  }

  const live = liveSegments(rows);
  const superseded = decision.supersede.map((u) => byUri.get(u)!);
  const before = live[decision.firstIndex - 1];
  const after = decision.kind === "replace" ? live[decision.firstIndex + 1] : undefined;
  const first = superseded[0]!;
  const stops = [
    ...new Set([...live.flatMap((s) => [s.fromUri, s.toUri]), ...decision.chain.segments.map((s) => s.to)]),
  ];
  const drivers = decision.plans.map((p) => driversOf(db, p.ways));
  // A chain keeps its URI; a haul of one departure needs a chain only if its new way has several.
  const chainUri = "chain" in subject ? subject.chain : decision.plans.length > 1 ? newChainUri(config.origin) : null;
  // Neighbours hear each other: a new segment's Offer also goes to the drivers
  // of the segments before and after it (a next driver must hear the hand-over).
  const newRows = decision.plans.map((p, i) =>
    haulRowOf(
      ctx,
      {
        resource: first.resource,
        quantity: first.quantity,
        unit: first.unit,
        weightKg: first.weightKg,
        volumeM3: first.volumeM3,
        from: p.from,
        to: p.to,
        window: p.window,
        reason: first.reason,
      },
      drivers[i]!,
      stops,
      chainUri ? { uri: chainUri, index: decision.firstIndex + i, length: decision.length } : null,
      [...(i === 0 ? driversOfRow(before) : drivers[i - 1]!), ...(drivers[i + 1] ?? driversOfRow(after))],
    ),
  );
  // The kept segment before the new ones is sent again with the new first
  // segment's drivers as parties, so their nodes hear its hand-over (and, if
  // they did not know it, how far it got).
  const widened = before
    ? {
        ...before,
        partiesJson: JSON.stringify([
          ...new Map(
            [...(JSON.parse(before.partiesJson) as Party[]), ...drivers[0]!].map((p) => [p.id, p] as const),
          ).values(),
        ]),
      }
    : null;
  const resend = widened && widened.partiesJson !== before!.partiesJson ? await prepareHaulOffer(ctx, widened) : null;
  const cancel = { type: "cancel" } as const;
  // A chain keeps its URI, so its superseded segments need no pointer; a
  // haul of one departure points to what took its place.
  const replacedBy = "haul" in subject ? (chainUri ?? newRows[0]!.uri) : undefined;
  const cancels = await Promise.all(
    superseded.map((h) =>
      prepareHaulEvent(
        ctx,
        h,
        { ...cancel, haul: h.uri, replanned: true, ...(replacedBy ? { replacedBy } : {}) },
        config.handle,
      ),
    ),
  );
  const offers: PreparedActivity[] = await Promise.all(newRows.map((r) => prepareHaulOffer(ctx, r)));
  const released: string[] = [];
  const ok = commitWithActivities(ctx.data, (emit) => {
    if (!unchanged()) return false;
    for (const h of superseded) {
      updateHaul(db, h.id, { status: "cancelled", flag: REPLANNED, replacedBy: replacedBy ?? null });
      const route = releaseIfCarriedHere(db, h, cancel);
      if (route) released.push(route);
    }
    for (const r of newRows) insertHaul(db, r);
    if (chainUri && "haul" in subject) saveChainWindow(db, chainUri, window);
    if (widened && resend) updateHaul(db, widened.id, { partiesJson: widened.partiesJson });
    for (const c of cancels) emit(c);
    for (const o of offers) emit(o);
    if (resend) emit(resend);
    return true;
  });
  if (!ok) return null;
  for (const route of released)
    void publishCapacity(ctx, route).catch((err: unknown) => ctx.data.log.warn({ err }, "capacity update not sent"));
  return decision.kind;
}
