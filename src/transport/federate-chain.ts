/**
 * Requesting a haul whose way may need several drivers: the single-route
 * request when one departure covers the way (unchanged), otherwise the best
 * chain of departures, saved as one linked haul per segment with their
 * Offers in one transaction. Each segment goes to the drivers who can carry
 * it and concerns every community on the chain, so both ends and every
 * hand-over stop hear every step of every segment; the drivers of the next
 * segment hear every step of the one before theirs (its hand-over).
 */
import type { Context } from "@fedify/fedify";
import type { Db } from "../db/client.js";
import type { HaulRow } from "../db/schema/transport.js";
import type { NodeServices } from "../federation/context.js";
import type { Party } from "../federation/mappers/haul.js";
import { commitWithActivities } from "../federation/outbox.js";
import { type ChainOptions, findChain, planSegments, type SegmentPlan } from "./chains.js";
import { type HaulInput, haulRowOf, prepareHaulOffer, requestHaul } from "./request-haul.js";
import { findRoute, graphInput, insertHaul, saveChainWindow } from "./store.js";
import type { Way } from "./ways.js";

/** `haul` is the request, or a chain's first segment; `ways` the departures that can carry it. */
export type ChainedRequestResult =
  | {
      readonly ok: true;
      readonly haul: HaulRow;
      readonly ways: readonly Way[];
      readonly chain: { readonly uri: string; readonly hauls: HaulRow[]; readonly plans: SegmentPlan[] } | null;
    }
  | { readonly ok: false; readonly reason: string };

/** A new chain's URI on this node (`…/hauls/chains/{id}`, which GET /api/hauls/chains/:id finds). */
export function newChainUri(origin: string): string {
  return new URL(`/hauls/chains/${crypto.randomUUID()}`, origin).href;
}

export async function requestHaulOrChain(
  ctx: Context<NodeServices>,
  input: Omit<HaulInput, "drivers">,
  options: Partial<ChainOptions> = {},
): Promise<ChainedRequestResult> {
  const single = await requestHaul(ctx, input);
  if (single.ok) return { ...single, chain: null };
  const { db, config } = ctx.data;
  const { routes, departures } = graphInput(db);
  const q = {
    from: input.from,
    to: input.to,
    start: input.window.start,
    end: input.window.end,
    load: { weightKg: input.weightKg, volumeM3: input.volumeM3 ?? 0 },
  };
  const chain = findChain(routes, departures, q, options);
  if (!chain || chain.segments.length < 2)
    return { ok: false, reason: `${single.reason}, nor does any chain of departures with hand-overs` };
  const plans = planSegments(chain, routes, departures, q, options);
  const uri = newChainUri(config.origin);
  const stops = [input.from, ...chain.segments.map((s) => s.to)];
  // Each segment's candidate drivers also hear every step of the segment before theirs: their
  // node checks that the goods were delivered at the hand-over stop before they pick them up.
  const drivers = plans.map((p) => driversOf(db, p.ways));
  const rows = plans.map((p, index) =>
    haulRowOf(
      ctx,
      { ...input, from: p.from, to: p.to, window: p.window },
      drivers[index]!,
      stops,
      { uri, index, length: plans.length },
      drivers[index + 1] ?? [],
    ),
  );
  const offers = await Promise.all(rows.map((r) => prepareHaulOffer(ctx, r)));
  const hauls = commitWithActivities(ctx.data, (emit) => {
    const saved = rows.map((r) => insertHaul(db, r));
    saveChainWindow(db, uri, input.window);
    for (const o of offers) emit(o);
    return saved;
  });
  return { ok: true, haul: hauls[0]!, ways: plans[0]!.ways, chain: { uri, hauls, plans } };
}

export function driversOf(db: Db, ways: readonly Way[]): Party[] {
  const drivers = new Map<string, Party>();
  for (const w of ways) {
    const r = findRoute(db, w.route);
    if (r) drivers.set(r.driverUri, { id: r.driverUri, inbox: r.driverInbox, sharedInbox: null });
  }
  return [...drivers.values()];
}
