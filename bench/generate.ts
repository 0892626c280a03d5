/**
 * Seeded planning problems for the benchmark: a random geometric graph of
 * communities in a 300 km square, legs to each community's 4 nearest
 * neighbours, ~30% of community-resource pairs with a surplus and ~30% with
 * a need, and leg room drawn so that the busiest legs bind.
 */
import type { Priority, Problem } from "../src/planning/index.js";

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SIDE_KM = 300;
const ROUTES = 4;

export type Capacity = "binding" | "loose";

/**
 * `loose` gives every leg room to spare, to time the planner when no capacity
 * is shared. `roomScale` multiplies the room of `binding` legs: above 1, fewer
 * legs fill up (the same network and goods otherwise).
 */
export function generateProblem(
  communities: number,
  resources: number,
  capacity: Capacity = "binding",
  seed = 1,
  roomScale = 1,
): Problem {
  const rnd = rng(seed * 1_000_003 + communities * 101 + resources);
  const xs = Float64Array.from({ length: communities }, () => rnd() * SIDE_KM);
  const ys = Float64Array.from({ length: communities }, () => rnd() * SIDE_KM);
  const cid = (i: number) => `https://n${i % 97}.example/c/${i}`;
  const legs: Problem["legs"][number][] = [];
  for (const [i, j, d] of nearestPairs(xs, ys, ROUTES)) {
    // Room on a leg grows with the number of resources, so binding legs stay a minority.
    const spread = 0.2 + 2 * rnd() * rnd();
    const room = capacity === "loose" ? 1e9 : resources * 25 * spread * roomScale;
    legs.push({
      id: `leg-${i}-${j}`,
      from: cid(i),
      to: cid(j),
      capacityKg: Math.round(room),
      distanceKm: Math.round(d * 10) / 10,
    });
  }
  const res = Array.from({ length: resources }, (_, r) => ({
    id: `res-${r}`,
    unit: "kg",
    kgPerUnit: r % 10 === 9 ? 0 : Math.round((0.2 + rnd() * 2) * 10) / 10,
  }));
  const offers: Problem["offers"][number][] = [];
  const needs: Problem["needs"][number][] = [];
  const prios: Priority[] = ["essential", "important", "ordinary"];
  for (let c = 0; c < communities; c++) {
    for (let r = 0; r < resources; r++) {
      const u = rnd();
      const quantity = Math.round(5 + rnd() * 95);
      if (u < 0.3) offers.push({ id: `o-${c}-${r}`, community: cid(c), resource: `res-${r}`, quantity });
      else if (u < 0.6) {
        const p = rnd();
        needs.push({
          id: `n-${c}-${r}`,
          community: cid(c),
          resource: `res-${r}`,
          quantity,
          priority: prios[p < 0.2 ? 0 : p < 0.5 ? 1 : 2]!,
        });
      }
    }
  }
  return {
    version: 1,
    communities: Array.from({ length: communities }, (_, i) => ({ id: cid(i), lat: ys[i]! / 111, lon: xs[i]! / 111 })),
    resources: res,
    offers,
    needs,
    legs,
  };
}

/** Directed pairs (i, j, km) to each point's k nearest others, found through a grid. */
function nearestPairs(xs: Float64Array, ys: Float64Array, k: number): [number, number, number][] {
  const n = xs.length;
  const cells = Math.max(1, Math.floor(Math.sqrt(n / 2)));
  const size = SIDE_KM / cells;
  const grid: number[][] = Array.from({ length: cells * cells }, () => []);
  const cell = (v: number) => Math.min(cells - 1, Math.floor(v / size));
  for (let i = 0; i < n; i++) grid[cell(ys[i]!) * cells + cell(xs[i]!)]!.push(i);
  const out: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    const cx = cell(xs[i]!);
    const cy = cell(ys[i]!);
    for (let radius = 1; ; radius++) {
      const near: [number, number][] = [];
      for (let gy = Math.max(0, cy - radius); gy <= Math.min(cells - 1, cy + radius); gy++)
        for (let gx = Math.max(0, cx - radius); gx <= Math.min(cells - 1, cx + radius); gx++)
          for (const j of grid[gy * cells + gx]!)
            if (j !== i) near.push([j, Math.hypot(xs[i]! - xs[j]!, ys[i]! - ys[j]!)]);
      const whole = radius >= cells;
      near.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      // Only points within `radius` cells are certain to include the true nearest.
      if (whole || (near.length >= k && near[k - 1]![1] <= radius * size)) {
        for (const [j, d] of near.slice(0, k)) out.push([i, j, d]);
        break;
      }
    }
  }
  return out;
}
