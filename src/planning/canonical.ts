/**
 * Deterministic serialisation: plans are compared byte for byte between
 * nodes and digested, so key order and number spelling must not depend on
 * how a value was built.
 */

/** Significant digits kept in plan numbers; far below the contract's 1e-6 tolerance. */
export const SIGNIFICANT_DIGITS = 9;

/** Rounds to fixed significant digits and turns -0 into 0. */
export function roundNumber(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  const r = Number(x.toPrecision(SIGNIFICANT_DIGITS));
  return r === 0 ? 0 : r;
}

/** JSON with object keys sorted at every level and no whitespace; -0 is written as 0. */
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("canonicalJson: non-finite number");
      return JSON.stringify(value === 0 ? 0 : value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object":
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : write(v))).join(",")}]`;
      return `{${Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k])}`)
        .join(",")}}`;
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}
