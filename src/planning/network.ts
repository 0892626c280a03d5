/**
 * The problem as indexed arrays in a canonical order (every list sorted by
 * id), so that the order of the input lists cannot change the plan, and its
 * split into blocks: one resource on one connected part of the network,
 * with what cannot matter left out.
 */
import { PRIORITIES, type Problem } from "./types.js";

export interface NetResource {
  readonly id: string;
  readonly w: number;
}
export interface NetOffer {
  readonly id: string;
  readonly c: number;
  readonly r: number;
  readonly q: number;
}
export interface NetNeed {
  readonly id: string;
  readonly c: number;
  readonly r: number;
  readonly q: number;
  readonly p: number;
}
export interface NetLeg {
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly cap: number;
  readonly dist: number;
}

export interface Net {
  readonly communityIds: readonly string[];
  readonly resources: readonly NetResource[];
  readonly offers: readonly NetOffer[];
  readonly needs: readonly NetNeed[];
  readonly legs: readonly NetLeg[];
}

/** One resource on one connected part of the legs it can use. */
export interface Block {
  readonly r: number;
  /** Leg indices, ascending. */
  readonly arcs: Int32Array;
  /** Community indices, ascending. */
  readonly communities: Int32Array;
  readonly offers: Int32Array;
  readonly needs: Int32Array;
}

/** Each community of the block by its position in the block (the block's own node numbers). */
export function localIndex(block: Block): Map<number, number> {
  return new Map(Array.from(block.communities, (c, i) => [c, i] as const));
}

export const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function indexProblem(p: Problem): Net {
  const communityIds = p.communities.map((c) => c.id).sort();
  const cIdx = new Map(communityIds.map((id, i) => [id, i]));
  const resources = [...p.resources].sort(byId).map((r) => ({ id: r.id, w: r.kgPerUnit }));
  const rIdx = new Map(resources.map((r, i) => [r.id, i]));
  const offers = [...p.offers]
    .sort(byId)
    .map((o) => ({ id: o.id, c: cIdx.get(o.community)!, r: rIdx.get(o.resource)!, q: o.quantity }));
  const needs = [...p.needs].sort(byId).map((n) => ({
    id: n.id,
    c: cIdx.get(n.community)!,
    r: rIdx.get(n.resource)!,
    q: n.quantity,
    p: PRIORITIES.indexOf(n.priority),
  }));
  const legs = [...p.legs].sort(byId).map((l) => ({
    id: l.id,
    from: cIdx.get(l.from)!,
    to: cIdx.get(l.to)!,
    cap: l.capacityKg,
    dist: l.distanceKm,
  }));
  return { communityIds, resources, offers, needs, legs };
}

/**
 * Blocks for every resource. A leg is kept for a resource only if it can carry
 * it (room, or weightless cargo), some offer reaches its start and some need is
 * reachable from its end; needs no offer reaches get nothing and are left out.
 */
export function buildBlocks(net: Net): Block[] {
  const nC = net.communityIds.length;
  const out = adjacency(nC, net.legs, (l) => l.from);
  const inc = adjacency(nC, net.legs, (l) => l.to);
  const offersOf = groupBy(net.offers, net.resources.length);
  const needsOf = groupBy(net.needs, net.resources.length);
  const blocks: Block[] = [];
  for (let r = 0; r < net.resources.length; r++) {
    const offers = offersOf[r]!;
    const needs = needsOf[r]!;
    if (offers.length === 0 || needs.length === 0) continue;
    const w = net.resources[r]!.w;
    const usable = (l: number) => {
      const leg = net.legs[l]!;
      return leg.from !== leg.to && (w === 0 || leg.cap > 0);
    };
    const fwd = reach(
      nC,
      offers.map((o) => net.offers[o]!.c),
      out,
      usable,
      (l) => net.legs[l]!.to,
    );
    const bwd = reach(
      nC,
      needs.map((n) => net.needs[n]!.c),
      inc,
      usable,
      (l) => net.legs[l]!.from,
    );
    const arcs: number[] = [];
    for (let l = 0; l < net.legs.length; l++) {
      const leg = net.legs[l]!;
      if (usable(l) && fwd[leg.from] && bwd[leg.to]) arcs.push(l);
    }
    const keptOffers = offers.filter((o) => bwd[net.offers[o]!.c]);
    const keptNeeds = needs.filter((n) => fwd[net.needs[n]!.c]);
    if (keptNeeds.length === 0) continue;
    blocks.push(...splitComponents(net, r, arcs, keptOffers, keptNeeds));
  }
  return blocks;
}

function splitComponents(net: Net, r: number, arcs: number[], offers: number[], needs: number[]): Block[] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.get(root)! !== root) root = parent.get(root)!;
    while (x !== root) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const add = (c: number) => {
    if (!parent.has(c)) parent.set(c, c);
  };
  for (const o of offers) add(net.offers[o]!.c);
  for (const n of needs) add(net.needs[n]!.c);
  for (const l of arcs) {
    const leg = net.legs[l]!;
    add(leg.from);
    add(leg.to);
    const a = find(leg.from);
    const b = find(leg.to);
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
  }
  const parts = new Map<number, { arcs: number[]; communities: number[]; offers: number[]; needs: number[] }>();
  const part = (c: number) => {
    const root = find(c);
    let p = parts.get(root);
    if (!p) {
      p = { arcs: [], communities: [], offers: [], needs: [] };
      parts.set(root, p);
    }
    return p;
  };
  for (const c of [...parent.keys()].sort((a, b) => a - b)) part(c).communities.push(c);
  for (const l of arcs) part(net.legs[l]!.from).arcs.push(l);
  for (const o of offers) part(net.offers[o]!.c).offers.push(o);
  for (const n of needs) part(net.needs[n]!.c).needs.push(n);
  return [...parts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, p]) => p)
    .filter((p) => p.needs.length > 0 && p.offers.length > 0)
    .map((p) => ({
      r,
      arcs: Int32Array.from(p.arcs),
      communities: Int32Array.from(p.communities),
      offers: Int32Array.from(p.offers),
      needs: Int32Array.from(p.needs),
    }));
}

interface Adjacency {
  readonly start: Int32Array;
  readonly legs: Int32Array;
}

function adjacency(nC: number, legs: readonly NetLeg[], key: (l: NetLeg) => number): Adjacency {
  const start = new Int32Array(nC + 1);
  for (const l of legs) start[key(l) + 1]!++;
  for (let i = 0; i < nC; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, nC);
  const out = new Int32Array(legs.length);
  legs.forEach((l, i) => {
    out[fill[key(l)]!++] = i;
  });
  return { start, legs: out };
}

function reach(
  nC: number,
  seeds: number[],
  adj: Adjacency,
  usable: (l: number) => boolean,
  next: (l: number) => number,
): Uint8Array {
  const seen = new Uint8Array(nC);
  const stack: number[] = [];
  for (const s of seeds) {
    if (seen[s]) continue;
    seen[s] = 1;
    stack.push(s);
  }
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (let k = adj.start[v]!; k < adj.start[v + 1]!; k++) {
      const l = adj.legs[k]!;
      const u = next(l);
      if (seen[u] || !usable(l)) continue;
      seen[u] = 1;
      stack.push(u);
    }
  }
  return seen;
}

function groupBy(items: readonly { r: number }[], n: number): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  items.forEach((it, i) => {
    out[it.r]!.push(i);
  });
  return out;
}
