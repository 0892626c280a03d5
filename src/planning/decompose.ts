/**
 * Arc flows of one block into offer -> need flows along paths. Zero-cost
 * cycles are cancelled first (they move nothing anywhere); then each offer,
 * in id order, sends what it supplied along the lowest-index leg with flow
 * left, stopping at the first community with an unmet need. Every choice is
 * by index, so the same arc flows always give the same paths.
 */
import { type Block, localIndex, type Net } from "./network.js";

export interface RawFlow {
  readonly offer: number;
  readonly need: number;
  readonly quantity: number;
  readonly legs: readonly number[];
}

export function decomposeBlock(
  net: Net,
  block: Block,
  arcFlow: Float64Array,
  supplied: Float64Array,
  delivered: Float64Array,
): RawFlow[] {
  let scale = 0;
  for (const o of block.offers) scale = Math.max(scale, net.offers[o]!.q);
  const eps = 1e-9 * scale;
  const flow = Float64Array.from(arcFlow, (f) => (f > eps ? f : 0));
  const local = localIndex(block);
  const nV = block.communities.length;
  // Outgoing arcs per local community, in ascending leg order (block.arcs is sorted).
  const outStart = new Int32Array(nV + 1);
  for (const l of block.arcs) outStart[local.get(net.legs[l]!.from)! + 1]!++;
  for (let v = 0; v < nV; v++) outStart[v + 1]! += outStart[v]!;
  const fill = outStart.slice(0, nV);
  const outArcs = new Int32Array(block.arcs.length);
  block.arcs.forEach((l, a) => {
    outArcs[fill[local.get(net.legs[l]!.from)!]!++] = a;
  });
  const head = (a: number) => local.get(net.legs[block.arcs[a]!]!.to)!;

  cancelCycles(nV, outStart, outArcs, head, flow, eps);

  const demand = Float64Array.from(delivered);
  const needsAt: number[][] = Array.from({ length: nV }, () => []);
  block.needs.forEach((n, j) => {
    needsAt[local.get(net.needs[n]!.c)!]!.push(j);
  });
  const cursor = outStart.slice(0, nV);
  const flows: RawFlow[] = [];
  block.offers.forEach((o, i) => {
    let left = supplied[i]!;
    while (left > eps) {
      const path: number[] = [];
      let v = local.get(net.offers[o]!.c)!;
      let amount = left;
      let sink = -1;
      for (let steps = 0; steps <= block.arcs.length; steps++) {
        sink = needsAt[v]!.find((j) => demand[j]! > eps) ?? -1;
        if (sink >= 0) break;
        while (cursor[v]! < outStart[v + 1]! && flow[outArcs[cursor[v]!]!]! <= eps) cursor[v]!++;
        if (cursor[v]! === outStart[v + 1]!) break;
        const a = outArcs[cursor[v]!]!;
        path.push(a);
        amount = Math.min(amount, flow[a]!);
        v = head(a);
      }
      // A dead end is solver noise below eps: whatever is left there goes nowhere.
      if (sink < 0) break;
      amount = Math.min(amount, demand[sink]!);
      for (const a of path) flow[a]! -= amount;
      demand[sink]! -= amount;
      left -= amount;
      flows.push({ offer: o, need: block.needs[sink]!, quantity: amount, legs: path.map((a) => block.arcs[a]!) });
    }
  });
  return flows;
}

/** Removes flow around directed cycles (depth-first search, restarted after each cancellation). */
function cancelCycles(
  nV: number,
  outStart: Int32Array,
  outArcs: Int32Array,
  head: (a: number) => number,
  flow: Float64Array,
  eps: number,
): void {
  for (;;) {
    const state = new Uint8Array(nV); // 0 new, 1 on the path, 2 finished
    const next = outStart.slice(0, nV);
    let cycle: number[] | undefined;
    for (let root = 0; root < nV && !cycle; root++) {
      if (state[root] !== 0) continue;
      const nodes = [root];
      const arcs: number[] = [];
      state[root] = 1;
      while (nodes.length > 0 && !cycle) {
        const v = nodes[nodes.length - 1]!;
        if (next[v]! === outStart[v + 1]!) {
          state[v] = 2;
          nodes.pop();
          arcs.pop();
          continue;
        }
        const a = outArcs[next[v]!++]!;
        if (flow[a]! <= eps) continue;
        const u = head(a);
        if (state[u] === 1) cycle = [...arcs.slice(nodes.indexOf(u)), a];
        else if (state[u] === 0) {
          state[u] = 1;
          nodes.push(u);
          arcs.push(a);
        }
      }
    }
    if (!cycle) return;
    const m = Math.min(...cycle.map((a) => flow[a]!));
    for (const a of cycle) flow[a] = flow[a]! - m <= eps ? 0 : flow[a]! - m;
  }
}
