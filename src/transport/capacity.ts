/**
 * Capacity bookkeeping of one departure: what remains on each leg. Pure;
 * the store applies the same rule in one guarded UPDATE so concurrent
 * reservations never overbook.
 */
export interface LegCapacity {
  readonly leg: number;
  readonly capacityKg: number;
  readonly capacityM3: number;
  readonly remainingKg: number;
  readonly remainingM3: number;
}

export interface Load {
  readonly weightKg: number;
  readonly volumeM3: number;
}

/** Legs are numbered from 0: leg i goes from stop i to stop i+1. */
export interface LegSpan {
  readonly fromLeg: number;
  /** Inclusive. */
  readonly toLeg: number;
}

export type ReserveResult =
  | { readonly ok: true; readonly legs: LegCapacity[] }
  | { readonly ok: false; readonly leg: number; readonly remainingKg: number; readonly remainingM3: number };

export function initialLegs(legCount: number, capacityKg: number, capacityM3: number): LegCapacity[] {
  return Array.from({ length: legCount }, (_, leg) => ({ leg, capacityKg, capacityM3, remainingKg: capacityKg, remainingM3: capacityM3 }));
}

/** Takes `load` off every leg of `span`, or reports the first leg that cannot carry it (nothing changes). */
export function reserve(legs: readonly LegCapacity[], span: LegSpan, load: Load): ReserveResult {
  for (const l of legs) {
    if (l.leg < span.fromLeg || l.leg > span.toLeg) continue;
    if (l.remainingKg < load.weightKg || l.remainingM3 < load.volumeM3) {
      return { ok: false, leg: l.leg, remainingKg: l.remainingKg, remainingM3: l.remainingM3 };
    }
  }
  return { ok: true, legs: legs.map((l) => (inSpan(l, span) ? { ...l, remainingKg: l.remainingKg - load.weightKg, remainingM3: l.remainingM3 - load.volumeM3 } : l)) };
}

/** Gives `load` back to every leg of `span`, never above the leg's capacity. */
export function release(legs: readonly LegCapacity[], span: LegSpan, load: Load): LegCapacity[] {
  return legs.map((l) =>
    inSpan(l, span)
      ? {
          ...l,
          remainingKg: Math.min(l.capacityKg, l.remainingKg + load.weightKg),
          remainingM3: Math.min(l.capacityM3, l.remainingM3 + load.volumeM3),
        }
      : l,
  );
}

export type ResizeResult =
  | { readonly ok: true; readonly legs: LegCapacity[] }
  | { readonly ok: false; readonly field: "capacityKg" | "capacityM3"; readonly leg: number; readonly booked: number };

/**
 * A departure's room changed (another vehicle, a trailer less): every leg
 * keeps what is already booked on it, so the new room may not go below the
 * most booked leg. Absent sizes stay as they were.
 */
export function resize(legs: readonly LegCapacity[], size: { capacityKg?: number; capacityM3?: number }): ResizeResult {
  for (const l of legs) {
    const bookedKg = l.capacityKg - l.remainingKg;
    const bookedM3 = l.capacityM3 - l.remainingM3;
    if (size.capacityKg !== undefined && size.capacityKg < bookedKg) return { ok: false, field: "capacityKg", leg: l.leg, booked: bookedKg };
    if (size.capacityM3 !== undefined && size.capacityM3 < bookedM3) return { ok: false, field: "capacityM3", leg: l.leg, booked: bookedM3 };
  }
  return {
    ok: true,
    legs: legs.map((l) => {
      const kg = size.capacityKg ?? l.capacityKg;
      const m3 = size.capacityM3 ?? l.capacityM3;
      return { ...l, capacityKg: kg, capacityM3: m3, remainingKg: kg - (l.capacityKg - l.remainingKg), remainingM3: m3 - (l.capacityM3 - l.remainingM3) };
    }),
  };
}

/** The legs a haul from stop `from` to stop `to` rides on, or null when the route does not go that way. */
export function spanOf(stops: readonly string[], from: string, to: string): LegSpan | null {
  const i = stops.indexOf(from);
  if (i < 0) return null;
  const j = stops.indexOf(to, i + 1);
  if (j < 0) return null;
  return { fromLeg: i, toLeg: j - 1 };
}

function inSpan(l: LegCapacity, span: LegSpan): boolean {
  return l.leg >= span.fromLeg && l.leg <= span.toLeg;
}
