/** Public API of the network planner. See docs/planning.md for the contract. */
export { canonicalJson, roundNumber } from "./canonical.js";
export { type SolveOptions, solve } from "./solve.js";
export { formatValidationErrors, validateProblem } from "./validate.js";
export { checkFeasibility, verifyPlan } from "./verify.js";
export {
  PLANNER_VERSION,
  PRIORITIES,
  type Community,
  type Flow,
  type Leg,
  type Need,
  type NeedResult,
  type Offer,
  type Plan,
  type Priority,
  type Problem,
  type Resource,
  type SolveStats,
  type ValidationError,
  type Violation,
} from "./types.js";
