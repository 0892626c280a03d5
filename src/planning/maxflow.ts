/**
 * Dinic's maximum flow on floating capacities, kept small and allocation-free
 * per call so that progressive filling can re-augment thousands of times.
 * Arcs come in pairs (2k forward, 2k+1 backward); flow can be saved and
 * restored, because each trial level starts from the last feasible flow.
 */
export class FlowNetwork {
  readonly n: number;
  private readonly head: Int32Array;
  readonly cap: Float64Array;
  readonly flow: Float64Array;
  private readonly start: Int32Array;
  private readonly adj: Int32Array;
  private readonly level: Int32Array;
  private readonly iter: Int32Array;
  private readonly queue: Int32Array;
  private readonly eps: number;

  /** `tails`/`heads`/`caps` describe forward arcs; `eps` is the residual below which an arc counts as full. */
  constructor(n: number, tails: readonly number[], heads: readonly number[], caps: readonly number[], eps: number) {
    this.n = n;
    this.eps = eps;
    const m = tails.length;
    this.head = new Int32Array(2 * m);
    this.cap = new Float64Array(2 * m);
    this.flow = new Float64Array(2 * m);
    const deg = new Int32Array(n + 1);
    for (let k = 0; k < m; k++) {
      this.head[2 * k] = heads[k]!;
      this.head[2 * k + 1] = tails[k]!;
      this.cap[2 * k] = caps[k]!;
      deg[tails[k]! + 1]!++;
      deg[heads[k]! + 1]!++;
    }
    for (let v = 0; v < n; v++) deg[v + 1]! += deg[v]!;
    this.start = deg;
    this.adj = new Int32Array(2 * m);
    const fill = deg.slice(0, n);
    for (let k = 0; k < m; k++) {
      this.adj[fill[tails[k]!]!++] = 2 * k;
      this.adj[fill[heads[k]!]!++] = 2 * k + 1;
    }
    this.level = new Int32Array(n);
    this.iter = new Int32Array(n);
    this.queue = new Int32Array(n);
  }

  headOf(e: number): number {
    return this.head[e]!;
  }

  /** Residual capacity of arc e (forward or backward). */
  residual(e: number): number {
    return e & 1 ? this.flow[e - 1]! : this.cap[e]! - this.flow[e]!;
  }

  /** Augments the current flow to a maximum one from s to t; returns the amount added. */
  augment(s: number, t: number): number {
    let total = 0;
    while (this.bfs(s, t)) {
      this.iter.set(this.start.subarray(0, this.n));
      for (;;) {
        const f = this.dfs(s, t);
        if (f <= this.eps) break;
        total += f;
      }
    }
    return total;
  }

  /** Marks the nodes reachable from s along arcs with residual room (t is not passed through). */
  reachable(s: number, t: number): Uint8Array {
    const seen = new Uint8Array(this.n);
    const q = this.queue;
    let qh = 0;
    let qt = 0;
    seen[s] = 1;
    q[qt++] = s;
    while (qh < qt) {
      const v = q[qh++]!;
      if (v === t) continue;
      for (let k = this.start[v]!; k < this.start[v + 1]!; k++) {
        const e = this.adj[k]!;
        const u = this.head[e]!;
        if (!seen[u] && this.residual(e) > this.eps) {
          seen[u] = 1;
          q[qt++] = u;
        }
      }
    }
    return seen;
  }

  private bfs(s: number, t: number): boolean {
    this.level.fill(-1);
    const q = this.queue;
    let qh = 0;
    let qt = 0;
    this.level[s] = 0;
    q[qt++] = s;
    while (qh < qt) {
      const v = q[qh++]!;
      for (let k = this.start[v]!; k < this.start[v + 1]!; k++) {
        const e = this.adj[k]!;
        const u = this.head[e]!;
        if (this.level[u]! < 0 && this.residual(e) > this.eps) {
          this.level[u] = this.level[v]! + 1;
          q[qt++] = u;
        }
      }
    }
    return this.level[t]! >= 0;
  }

  /** One augmenting path in the level graph, found without recursion. */
  private dfs(s: number, t: number): number {
    const path: number[] = [];
    let v = s;
    for (;;) {
      if (v === t) {
        let f = Number.POSITIVE_INFINITY;
        for (const e of path) f = Math.min(f, this.residual(e));
        for (const e of path) {
          if (e & 1) this.flow[e - 1]! -= f;
          else this.flow[e]! += f;
        }
        return f;
      }
      let advanced = false;
      for (; this.iter[v]! < this.start[v + 1]!; this.iter[v]!++) {
        const e = this.adj[this.iter[v]!]!;
        const u = this.head[e]!;
        if (this.level[u] === this.level[v]! + 1 && this.residual(e) > this.eps) {
          path.push(e);
          v = u;
          advanced = true;
          break;
        }
      }
      if (advanced) continue;
      if (path.length === 0) return 0;
      // Dead end: never come back to v in this phase, step back to where we came from.
      this.level[v] = -1;
      const e = path.pop()!;
      v = this.head[e ^ 1]!;
      this.iter[v]!++;
    }
  }
}
