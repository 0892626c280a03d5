/**
 * Planner flows are fractional; what communities promise each other is
 * counted in the resource's unit. Indivisible units (items, bed-nights) round
 * down to whole numbers; measured units keep one decimal. Rounding down never
 * promises more than the plan found room for.
 */
const INDIVISIBLE_UNITS = new Set(["unit", "bed-night", "hour"]);

export function roundForUnit(quantity: number, unit: string): number {
  if (!Number.isFinite(quantity) || quantity <= 0) return 0;
  const step = INDIVISIBLE_UNITS.has(unit) ? 1 : 0.1;
  const rounded = Math.floor(quantity / step + 1e-9) * step;
  return Number(rounded.toFixed(step === 1 ? 0 : 1));
}
