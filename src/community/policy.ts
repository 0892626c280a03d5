import { isValidTimeZone } from "./cycles.js";

/**
 * The community's policy: how people join, how votes are run, what needs a
 * vote, how vouchers are shared. Every value has a default; changing one is
 * itself decided by vote (subject kind "policy").
 */
export interface Policy {
  readonly joinPolicy: "open" | "invite" | "approval";
  readonly cycleDays: number;
  readonly timeZone: string;
  readonly cycleAnchor: string;
  readonly voucherRule: "equal" | "hours";
  /** Vouchers per member per cycle under the equal rule. */
  readonly voucherEqualAmount: number;
  /** Vouchers per hour worked last cycle under the hours rule. */
  readonly voucherPerHour: number;
  readonly voteQuorum: number;
  readonly voteMajority: "simple" | "qualified";
  /** Majority for policy changes and recalls (defaults to qualified). */
  readonly policyMajority: "simple" | "qualified";
  readonly ballots: "secret" | "open";
  readonly voteWindowHours: number;
  readonly coordinatorTermDays: number;
  /** Outgoing commitments above this quantity of a resource need a vote (per resource; "*" for any other). */
  readonly ratificationThresholds: Readonly<Record<string, number>>;
  /** Resources whose every outgoing commitment needs a vote. */
  readonly essentialResources: readonly string[];
}

export const DEFAULT_POLICY: Policy = {
  joinPolicy: "approval",
  cycleDays: 7,
  timeZone: "UTC",
  cycleAnchor: "2024-01-01",
  voucherRule: "equal",
  voucherEqualAmount: 40,
  voucherPerHour: 1,
  voteQuorum: 0.5,
  voteMajority: "simple",
  policyMajority: "qualified",
  ballots: "secret",
  voteWindowHours: 72,
  coordinatorTermDays: 180,
  ratificationThresholds: { "*": 100 },
  essentialResources: [],
};

export type PolicyKey = keyof Policy;

/** Checks one value; returns a reason when it is not acceptable. */
export function validatePolicyValue(key: string, value: unknown): string | null {
  const oneOf = (...xs: string[]) =>
    typeof value === "string" && xs.includes(value) ? null : `must be one of ${xs.join(", ")}`;
  const num = (min: number, max: number, integer = false) =>
    typeof value === "number" &&
    Number.isFinite(value) &&
    value >= min &&
    value <= max &&
    (!integer || Number.isInteger(value))
      ? null
      : `must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`;
  switch (key as PolicyKey) {
    case "joinPolicy":
      return oneOf("open", "invite", "approval");
    case "cycleDays":
      return num(1, 366, true);
    case "timeZone":
      return typeof value === "string" && isValidTimeZone(value)
        ? null
        : "must be an IANA time zone such as Europe/Berlin";
    case "cycleAnchor":
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? null : "must be a date YYYY-MM-DD";
    case "voucherRule":
      return oneOf("equal", "hours");
    case "voucherEqualAmount":
    case "voucherPerHour":
      return num(0, 1_000_000, true);
    case "voteQuorum":
      return num(0, 1);
    case "voteMajority":
    case "policyMajority":
      return oneOf("simple", "qualified");
    case "ballots":
      return oneOf("secret", "open");
    case "voteWindowHours":
      return num(1, 24 * 90);
    case "coordinatorTermDays":
      return num(1, 3660, true);
    case "ratificationThresholds":
      return value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "number" && v >= 0)
        ? null
        : "must map resource names to non-negative quantities";
    case "essentialResources":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? null
        : "must be a list of resource names";
    default:
      return `is not a policy key (known: ${Object.keys(DEFAULT_POLICY).join(", ")})`;
  }
}

/** Stored values over the defaults; unknown or invalid stored keys are ignored rather than trusted. */
export function mergePolicy(stored: Readonly<Record<string, unknown>>): Policy {
  const out: Record<string, unknown> = { ...DEFAULT_POLICY };
  for (const [k, v] of Object.entries(stored)) if (validatePolicyValue(k, v) === null) out[k] = v;
  return out as unknown as Policy;
}
