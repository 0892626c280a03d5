/**
 * Raw path flows into the plan JSON: ids instead of indices, identical paths
 * merged, numbers rounded, everything in a fixed order.
 */
import { roundNumber } from "./canonical.js";
import type { RawFlow } from "./decompose.js";
import type { Net } from "./network.js";
import type { Flow, Plan } from "./types.js";

export function assemblePlan(net: Net, raw: readonly RawFlow[]): Plan {
  const merged = new Map<string, { offer: number; need: number; legs: readonly number[]; quantity: number }>();
  for (const f of raw) {
    const key = `${f.offer}|${f.need}|${f.legs.join(",")}`;
    const m = merged.get(key);
    if (m) m.quantity += f.quantity;
    else merged.set(key, { ...f });
  }
  const delivered = new Float64Array(net.needs.length);
  const flows: Flow[] = [];
  let transport = 0;
  for (const f of merged.values()) {
    const need = net.needs[f.need]!;
    const quantity = roundNumber(Math.min(f.quantity, need.q));
    // Below this a flow is rounding noise of the LP, not a shipment.
    if (quantity <= 1e-9 * need.q) continue;
    delivered[f.need]! += quantity;
    const km = f.legs.reduce((s, l) => s + net.legs[l]!.dist, 0);
    transport += quantity * net.resources[need.r]!.w * km;
    flows.push({ offer: net.offers[f.offer]!.id, need: need.id, quantity, legs: f.legs.map((l) => net.legs[l]!.id) });
  }
  flows.sort(compareFlows);
  const needs = net.needs.map((n, i) => {
    const d = roundNumber(Math.min(delivered[i]!, n.q));
    return { need: n.id, delivered: d, ratio: roundNumber(d / n.q) };
  });
  return { version: 1, flows, needs, transportKgKm: roundNumber(transport) };
}

function compareFlows(a: Flow, b: Flow): number {
  if (a.offer !== b.offer) return a.offer < b.offer ? -1 : 1;
  if (a.need !== b.need) return a.need < b.need ? -1 : 1;
  const n = Math.min(a.legs.length, b.legs.length);
  for (let i = 0; i < n; i++) if (a.legs[i] !== b.legs[i]) return a.legs[i]! < b.legs[i]! ? -1 : 1;
  return a.legs.length - b.legs.length;
}
