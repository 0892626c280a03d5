/** The planner's data shapes: the contract in docs/planning.md, as types. */

export const PLANNER_VERSION = "tendril-planner/1.2.1";

export const PRIORITIES = ["essential", "important", "ordinary"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Community {
  readonly id: string;
  readonly name?: string;
  readonly lat?: number;
  readonly lon?: number;
}

export interface Resource {
  readonly id: string;
  readonly unit: string;
  readonly kgPerUnit: number;
}

export interface Offer {
  readonly id: string;
  readonly community: string;
  readonly resource: string;
  readonly quantity: number;
}

export interface Need {
  readonly id: string;
  readonly community: string;
  readonly resource: string;
  readonly quantity: number;
  readonly priority: Priority;
}

export interface Leg {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly capacityKg: number;
  readonly distanceKm: number;
}

export interface Problem {
  readonly version: 1;
  readonly communities: readonly Community[];
  readonly resources: readonly Resource[];
  readonly offers: readonly Offer[];
  readonly needs: readonly Need[];
  readonly legs: readonly Leg[];
}

export interface Flow {
  readonly offer: string;
  readonly need: string;
  readonly quantity: number;
  readonly legs: readonly string[];
}

export interface NeedResult {
  readonly need: string;
  readonly delivered: number;
  readonly ratio: number;
}

export interface Plan {
  readonly version: 1;
  readonly flows: readonly Flow[];
  readonly needs: readonly NeedResult[];
  readonly transportKgKm: number;
}

/** An input entry that breaks a rule of the format; `path` is like `offers[2].quantity`. */
export interface ValidationError {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

/** A way in which a plan is not correct for its problem. */
export interface Violation {
  readonly rule: string;
  readonly path: string;
  readonly message: string;
}

/** Counters a caller (the benchmark) can read back after a solve. */
export interface SolveStats {
  lpSolves: number;
  maxFlows: number;
  /** Network-simplex least-hauling solves of lone blocks. */
  minCostFlows?: number;
  /** Groups solved in worker threads (SolveOptions.threads). */
  threadedGroups?: number;
  groups: number;
  merges: number;
}
