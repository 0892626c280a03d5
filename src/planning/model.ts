/**
 * The arc-flow LP of a group of blocks, built straight into CSC arrays.
 *
 * Columns, per block: one flow per usable leg, one "supplied" per offer, one
 * "delivered" per need; then a single level column t shared by all needs.
 * Rows: node balance per block and community (inflow + supplied = outflow +
 * delivered), shared leg capacity where two or more weighted blocks of the
 * group use a leg (a lone user gets a column bound instead), and one fairness
 * row per need, delivered - quantity * t, whose bounds switch it on and off.
 */
import type { Highs, Model } from "highs";
import type { Block, Net } from "./network.js";

export interface GroupLp {
  readonly model: Model;
  readonly blocks: readonly Block[];
  /** First column of each block's arcs; its offers and needs follow. */
  readonly arcStart: readonly number[];
  /** Global need index, column and fairness row of every need of the group. */
  readonly needs: Int32Array;
  readonly needCol: Int32Array;
  readonly needRow: Int32Array;
  readonly tCol: number;
  readonly numCols: number;
  /** Column costs of the least-hauling objective. */
  readonly haulCost: Float64Array;
}

export function buildGroupLp(highs: Highs, net: Net, blocks: readonly Block[]): GroupLp {
  const inf = highs.infinity;
  // Rows: balance rows first, block by block.
  const balanceRow = blocks.map(() => new Map<number, number>());
  let nRows = 0;
  blocks.forEach((b, i) => {
    for (const c of b.communities) balanceRow[i]!.set(c, nRows++);
  });
  // Capacity rows only for legs two weighted blocks compete for.
  const users = new Map<number, number>();
  for (const b of blocks) {
    if (net.resources[b.r]!.w === 0) continue;
    for (const l of b.arcs) users.set(l, (users.get(l) ?? 0) + 1);
  }
  const capRow = new Map<number, number>();
  const capLegs = [...users.entries()]
    .filter(([, n]) => n > 1)
    .map(([l]) => l)
    .sort((a, b) => a - b);
  for (const l of capLegs) capRow.set(l, nRows++);
  const nNeeds = blocks.reduce((s, b) => s + b.needs.length, 0);
  const fairStart = nRows;
  nRows += nNeeds;

  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const haul: number[] = [];
  const col = (lo: number, hi: number, cost: number, entries: readonly number[]) => {
    for (let k = 0; k < entries.length; k += 2) {
      indices.push(entries[k]!);
      values.push(entries[k + 1]!);
    }
    starts.push(indices.length);
    lower.push(lo);
    upper.push(hi);
    haul.push(cost);
  };

  const arcStart: number[] = [];
  const needs = new Int32Array(nNeeds);
  const needCol = new Int32Array(nNeeds);
  const needRow = new Int32Array(nNeeds);
  let k = 0;
  blocks.forEach((b, i) => {
    const w = net.resources[b.r]!.w;
    const rows = balanceRow[i]!;
    arcStart.push(lower.length);
    for (const l of b.arcs) {
      const leg = net.legs[l]!;
      const from = rows.get(leg.from)!;
      const to = rows.get(leg.to)!;
      const cap = capRow.get(l);
      const hi = w > 0 ? leg.cap / w : inf;
      // Weightless cargo costs no kg·km; its distance still picks short paths.
      const cost = (w > 0 ? w : 1) * leg.dist;
      const [r1, v1, r2, v2] = from < to ? [from, -1, to, 1] : [to, 1, from, -1];
      col(0, hi, cost, cap === undefined ? [r1, v1, r2, v2] : [r1, v1, r2, v2, cap, w]);
    }
    for (const o of b.offers) {
      const offer = net.offers[o]!;
      col(0, offer.q, 0, [rows.get(offer.c)!, 1]);
    }
    for (const n of b.needs) {
      const need = net.needs[n]!;
      needs[k] = n;
      needCol[k] = lower.length;
      needRow[k] = fairStart + k;
      col(0, need.q, 0, [rows.get(need.c)!, -1, fairStart + k, 1]);
      k++;
    }
  });
  const tCol = lower.length;
  const tEntries: number[] = [];
  for (let j = 0; j < nNeeds; j++) tEntries.push(fairStart + j, -net.needs[needs[j]!]!.q);
  col(0, 1, 0, tEntries);

  const numCols = lower.length;
  const rowLower = new Float64Array(nRows);
  const rowUpper = new Float64Array(nRows);
  rowLower.fill(-inf, fairStart);
  rowUpper.fill(inf, fairStart);
  for (const l of capLegs) {
    rowLower[capRow.get(l)!] = -inf;
    rowUpper[capRow.get(l)!] = net.legs[l]!.cap;
  }
  const colCost = new Float64Array(numCols);
  colCost[tCol] = 1;
  const model = highs.createModel({
    numCols,
    numRows: nRows,
    sense: highs.constants.objectiveSense.maximize,
    colCost,
    colLower: Float64Array.from(lower),
    colUpper: Float64Array.from(upper),
    rowLower,
    rowUpper,
    matrix: {
      format: "csc",
      numRows: nRows,
      numCols,
      starts: Int32Array.from(starts),
      indices: Int32Array.from(indices),
      values: Float64Array.from(values),
    },
  });
  model.options.set({ output_flag: false });
  return { model, blocks, arcStart, needs, needCol, needRow, tCol, numCols, haulCost: Float64Array.from(haul) };
}
