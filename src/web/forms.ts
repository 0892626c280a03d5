import { HttpProblem } from "../lib/problem.js";

/** Form fields as posted by a browser (`application/x-www-form-urlencoded`); a repeated name keeps its last value. */
export type FormFields = Readonly<Record<string, string>>;

export function parseForm(body: string): FormFields {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export function formOf(body: unknown): FormFields {
  return body && typeof body === "object" ? (body as FormFields) : {};
}

export function text(form: FormFields, name: string, options: { optional?: boolean; max?: number } = {}): string {
  const v = (form[name] ?? "").trim();
  if (!v && !options.optional) throw HttpProblem.invalid(name, "is required");
  if (options.max !== undefined && v.length > options.max) throw HttpProblem.invalid(name, `is longer than ${options.max} characters`);
  return v;
}

export function num(form: FormFields, name: string): number {
  const raw = text(form, name);
  const n = Number(raw);
  if (!Number.isFinite(n)) throw HttpProblem.invalid(name, "must be a number");
  return n;
}

export function int(form: FormFields, name: string): number {
  const n = num(form, name);
  if (!Number.isInteger(n)) throw HttpProblem.invalid(name, "must be a whole number");
  return n;
}

/** A `<input type="date">` value as an instant: the start (or end) of that day, UTC. */
export function day(form: FormFields, name: string, end = false): string {
  const v = text(form, name);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw HttpProblem.invalid(name, "must be a date (YYYY-MM-DD)");
  return `${v}T${end ? "23:59:59" : "00:00:00"}Z`;
}
