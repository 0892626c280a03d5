/**
 * The resource catalogue's fixed vocabulary and the pure rules for adding a
 * kind or a unit. Persistence lives in catalogue-store.ts.
 */
import type { InvalidParam } from "../lib/problem.js";
import { isHttpUrl } from "../lib/url.js";

export const CATEGORIES = [
  "food",
  "water",
  "housing",
  "energy",
  "medicine",
  "hygiene",
  "clothing",
  "tools",
  "materials",
  "education",
  "health-care",
  "care",
  "transport",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const DEFAULT_UNITS: readonly { code: string; label: string }[] = [
  { code: "kg", label: "kilogram" },
  { code: "l", label: "litre" },
  { code: "unit", label: "unit (countable item)" },
  { code: "bed-night", label: "bed for one night" },
  { code: "hour", label: "hour of work or service" },
];

export interface KindSpec {
  readonly slug: string;
  readonly name: string;
  readonly unit: string;
  readonly kgPerUnit: number;
  readonly category: Category;
}

/** Seeded on first start so two fresh nodes already share a vocabulary to adopt from. */
export const DEFAULT_KINDS: readonly KindSpec[] = [
  { slug: "potatoes", name: "Potatoes", unit: "kg", kgPerUnit: 1, category: "food" },
  { slug: "grain", name: "Grain", unit: "kg", kgPerUnit: 1, category: "food" },
  { slug: "vegetables", name: "Fresh vegetables", unit: "kg", kgPerUnit: 1, category: "food" },
  { slug: "drinking-water", name: "Drinking water", unit: "l", kgPerUnit: 1, category: "water" },
  { slug: "bed", name: "Bed for the night", unit: "bed-night", kgPerUnit: 0, category: "housing" },
  { slug: "firewood", name: "Firewood", unit: "kg", kgPerUnit: 1, category: "energy" },
  { slug: "first-aid-kit", name: "First-aid kit", unit: "unit", kgPerUnit: 0.5, category: "medicine" },
  { slug: "soap", name: "Soap", unit: "unit", kgPerUnit: 0.1, category: "hygiene" },
  { slug: "winter-coat", name: "Winter coat", unit: "unit", kgPerUnit: 1.5, category: "clothing" },
  { slug: "hand-tools", name: "Hand tools", unit: "unit", kgPerUnit: 2, category: "tools" },
  { slug: "timber", name: "Timber", unit: "kg", kgPerUnit: 1, category: "materials" },
  { slug: "teaching", name: "Teaching", unit: "hour", kgPerUnit: 0, category: "education" },
  { slug: "nursing", name: "Nursing", unit: "hour", kgPerUnit: 0, category: "health-care" },
  { slug: "childcare", name: "Childcare", unit: "hour", kgPerUnit: 0, category: "care" },
  { slug: "eldercare", name: "Elder care", unit: "hour", kgPerUnit: 0, category: "care" },
  { slug: "driving", name: "Driving", unit: "hour", kgPerUnit: 0, category: "transport" },
];

export function resourceUri(origin: string, slug: string): string {
  return new URL(`/resources/${slug}`, origin).href;
}

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const UNIT_CODE = /^[a-z][a-z0-9-]{0,31}$/;

export interface NewKindInput {
  readonly slug: string;
  readonly name: string;
  readonly unit: string;
  readonly kgPerUnit: number;
  readonly category: string;
  /** Adopting another node's kind: its URI becomes ours for this kind. */
  readonly uri?: string;
}

/** Checks a new kind against the catalogue's rules; `knownUnits` are the unit codes in use. */
export function validateNewKind(input: NewKindInput, knownUnits: readonly string[]): InvalidParam[] {
  const errors: InvalidParam[] = [];
  if (!SLUG.test(input.slug)) errors.push({ name: "slug", reason: "must be 1-64 lower-case letters, digits or -" });
  if (input.name.trim() === "") errors.push({ name: "name", reason: "must not be empty" });
  if (!knownUnits.includes(input.unit)) errors.push({ name: "unit", reason: `is not a known unit (${knownUnits.join(", ")})` });
  if (!Number.isFinite(input.kgPerUnit) || input.kgPerUnit < 0) {
    errors.push({ name: "kgPerUnit", reason: "must be a finite number ≥ 0" });
  }
  if (!isCategory(input.category)) errors.push({ name: "category", reason: `must be one of ${CATEGORIES.join(", ")}` });
  if (input.uri !== undefined && !isHttpUrl(input.uri)) errors.push({ name: "uri", reason: "must be an http(s) URL" });
  return errors;
}

export function validateUnitCode(code: string): InvalidParam[] {
  return UNIT_CODE.test(code) ? [] : [{ name: "code", reason: "must be 1-32 lower-case letters, digits or -, starting with a letter" }];
}

