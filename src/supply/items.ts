/**
 * Offers (surplus) and needs: the pure rules. Input arrives as API JSON;
 * out comes either the fields to store or every problem, each naming its field.
 */
import type { InvalidParam } from "../lib/problem.js";

export const PRIORITIES = ["essential", "important", "ordinary"] as const;
export type Priority = (typeof PRIORITIES)[number];
export type ItemKind = "offer" | "need";

/** Upper bound on any quantity: beyond it a number is a typo, not a harvest. */
export const MAX_QUANTITY = 1e9;

export interface LocationInput {
  readonly lat: number;
  readonly lon: number;
  readonly name: string;
}

export interface OfferInput {
  readonly resource: string;
  readonly quantity: number;
  readonly availableFrom: string;
  readonly availableUntil: string;
  readonly pickup: LocationInput;
  readonly notes?: string;
}

export interface NeedInput {
  readonly resource: string;
  readonly quantity: number;
  readonly priority: string;
  readonly neededBy: string;
  readonly delivery: LocationInput;
  readonly notes?: string;
}

/** The stored shape shared by offers and needs (resource resolved by the caller). */
export interface ItemFields {
  readonly quantity: number;
  readonly windowStart: number | null;
  readonly windowEnd: number;
  readonly priority: Priority | null;
  readonly lat: number;
  readonly lon: number;
  readonly locationName: string;
  readonly notes: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: InvalidParam[] };

export function checkQuantity(q: unknown, field = "quantity"): InvalidParam | null {
  if (typeof q !== "number" || !Number.isFinite(q)) return { name: field, reason: "must be a finite number" };
  if (q <= 0) return { name: field, reason: "must be greater than zero" };
  if (q > MAX_QUANTITY) return { name: field, reason: `must be at most ${MAX_QUANTITY}` };
  return null;
}

function checkInstant(text: unknown, field: string, errors: InvalidParam[]): number | null {
  const ms = typeof text === "string" ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) {
    errors.push({ name: field, reason: "must be an ISO 8601 date-time" });
    return null;
  }
  return ms;
}

function checkLocation(loc: LocationInput, field: string, errors: InvalidParam[]): void {
  if (!Number.isFinite(loc.lat) || loc.lat < -90 || loc.lat > 90) errors.push({ name: `${field}.lat`, reason: "must be between -90 and 90" });
  if (!Number.isFinite(loc.lon) || loc.lon < -180 || loc.lon > 180) errors.push({ name: `${field}.lon`, reason: "must be between -180 and 180" });
}

export function checkPriority(p: unknown): p is Priority {
  return typeof p === "string" && (PRIORITIES as readonly string[]).includes(p);
}

/** A complete offer. `now` lets the caller refuse windows that are already over. */
export function checkOffer(input: OfferInput, now: number): Checked<ItemFields> {
  const errors: InvalidParam[] = [];
  const q = checkQuantity(input.quantity);
  if (q) errors.push(q);
  const from = checkInstant(input.availableFrom, "availableFrom", errors);
  const until = checkInstant(input.availableUntil, "availableUntil", errors);
  if (from !== null && until !== null && until <= from) {
    errors.push({ name: "availableUntil", reason: "must be after availableFrom" });
  } else if (until !== null && until <= now) {
    errors.push({ name: "availableUntil", reason: "is already in the past" });
  }
  checkLocation(input.pickup, "pickup", errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      quantity: input.quantity,
      windowStart: from,
      windowEnd: until as number,
      priority: null,
      lat: input.pickup.lat,
      lon: input.pickup.lon,
      locationName: input.pickup.name,
      notes: input.notes ?? "",
    },
  };
}

export function checkNeed(input: NeedInput, now: number): Checked<ItemFields> {
  const errors: InvalidParam[] = [];
  const q = checkQuantity(input.quantity);
  if (q) errors.push(q);
  if (!checkPriority(input.priority)) errors.push({ name: "priority", reason: `must be one of ${PRIORITIES.join(", ")}` });
  const by = checkInstant(input.neededBy, "neededBy", errors);
  if (by !== null && by <= now) errors.push({ name: "neededBy", reason: "is already in the past" });
  checkLocation(input.delivery, "delivery", errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      quantity: input.quantity,
      windowStart: null,
      windowEnd: by as number,
      priority: input.priority as Priority,
      lat: input.delivery.lat,
      lon: input.delivery.lon,
      locationName: input.delivery.name,
      notes: input.notes ?? "",
    },
  };
}

/** API field names of each kind, mapped onto the stored fields, for partial updates. */
export function toOfferInput(f: ItemFields, resource: string): OfferInput {
  return {
    resource,
    quantity: f.quantity,
    availableFrom: new Date(f.windowStart ?? f.windowEnd).toISOString(),
    availableUntil: new Date(f.windowEnd).toISOString(),
    pickup: { lat: f.lat, lon: f.lon, name: f.locationName },
    notes: f.notes,
  };
}

export function toNeedInput(f: ItemFields, resource: string): NeedInput {
  return {
    resource,
    quantity: f.quantity,
    priority: f.priority ?? "ordinary",
    neededBy: new Date(f.windowEnd).toISOString(),
    delivery: { lat: f.lat, lon: f.lon, name: f.locationName },
    notes: f.notes,
  };
}

/** The fields that differ, as {field: [old, new]}: what the history records. */
export function diffFields(before: ItemFields, after: ItemFields): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  for (const key of Object.keys(after) as (keyof ItemFields)[]) {
    if (before[key] !== after[key]) out[key] = [before[key], after[key]];
  }
  return out;
}
