/**
 * Catching up after downtime. Every node serves, publicly, the exchange
 * events its own community made (GET /exchange-events?exchange=… or
 * ?party=…, the latter with each exchange's setup so a party that missed
 * the proposal learns of it). A returning node asks the communities it
 * follows, and keeps from each only the events that community is entitled
 * to make: the same rule as for inbox deliveries, so nothing is taken on
 * hearsay.
 */
import type { Context } from "@fedify/fedify";
import { eq } from "drizzle-orm";
import { inTransaction } from "../db/client.js";
import { followingTable } from "../db/schema/federation.js";
import type { NodeServices } from "../federation/context.js";
import { refusal } from "../federation/inbox/exchange.js";
import type { ExchangeSetup } from "../federation/mappers/exchange.js";
import { rowOfSetup, selfUri, setupOf } from "./publish.js";
import { reconcile } from "./reconcile.js";
import type { ExchangeEvent } from "./state.js";
import { addEvent, eventsOf, findExchange, insertExchange, listExchanges } from "./store.js";

type Ctx = Context<NodeServices>;

export interface OwnEvents {
  readonly exchange: string;
  readonly setup: ExchangeSetup;
  readonly events: readonly ExchangeEvent[];
}

/** What we serve: per exchange, the events our community made (and the setup). */
export function ownEvents(ctx: Ctx, filter: { exchange?: string; party?: string }): { actor: string; items: OwnEvents[] } {
  const me = selfUri(ctx);
  const rows = listExchanges(ctx.data.db).filter(
    (r) =>
      (filter.exchange === undefined || r.uri === filter.exchange) &&
      (filter.party === undefined || [r.supplier, r.receiver, r.proposer].includes(filter.party) || r.partiesJson.includes(`"${filter.party}"`)),
  );
  return {
    actor: me,
    items: rows.map((r) => ({
      exchange: r.uri,
      setup: setupOf(r),
      events: eventsOf(ctx.data.db, r.uri).filter((e) => e.actor === me).map((e) => e.event),
    })),
  };
}

async function fetchOwn(url: URL): Promise<{ actor: string; items: OwnEvents[] } | null> {
  try {
    const r = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    if (!r.ok) return null;
    const body = (await r.json()) as { actor: string; items: OwnEvents[] };
    // A node speaks only for its own community.
    if (typeof body.actor !== "string" || new URL(body.actor).origin !== url.origin || !Array.isArray(body.items)) return null;
    return body;
  } catch {
    return null;
  }
}

/** Apply what one community says it did; returns the exchanges that changed. */
function apply(ctx: Ctx, actor: string, items: readonly OwnEvents[]): string[] {
  const changed: string[] = [];
  inTransaction(ctx.data.sqlite, () => {
    for (const item of items) {
      const known = findExchange(ctx.data.db, item.exchange);
      const me = selfUri(ctx);
      const concernsUs = known ?? ([item.setup?.supplier, item.setup?.receiver, item.setup?.proposer].includes(me) ? null : undefined);
      if (concernsUs === undefined) continue;
      for (const event of item.events ?? []) {
        if (typeof event?.id !== "string" || typeof event.kind !== "string") continue;
        const current = findExchange(ctx.data.db, item.exchange);
        if (refusal({ exchange: item.exchange, event, setup: item.setup }, actor, current)) continue;
        if (!current && event.kind === "proposed") {
          insertExchange(ctx.data.db, rowOfSetup(item.exchange, item.setup));
        }
        if (!findExchange(ctx.data.db, item.exchange)) continue;
        if (addEvent(ctx.data.db, item.exchange, actor, event)) changed.push(item.exchange);
      }
    }
  });
  return [...new Set(changed)];
}

/** Ask every community we follow what it did in exchanges that concern us, then the parties of each. */
export async function catchUp(ctx: Ctx): Promise<number> {
  const me = selfUri(ctx);
  const peers = ctx.data.db.select().from(followingTable).where(eq(followingTable.status, "accepted")).all();
  const changed = new Set<string>();
  for (const p of peers) {
    const body = await fetchOwn(new URL(`/exchange-events?party=${encodeURIComponent(me)}`, p.actorUri));
    if (body) for (const x of apply(ctx, body.actor, body.items)) changed.add(x);
  }
  for (const row of listExchanges(ctx.data.db)) {
    for (const party of new Set([row.proposer, row.supplier, row.receiver])) {
      if (party === me) continue;
      const body = await fetchOwn(new URL(`/exchange-events?exchange=${encodeURIComponent(row.uri)}`, party));
      if (body) for (const x of apply(ctx, body.actor, body.items)) changed.add(x);
    }
  }
  for (const uri of changed) await reconcile(ctx, uri);
  return changed.size;
}
