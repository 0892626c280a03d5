/**
 * Input validation. Every rule of the format is checked and every broken
 * entry is reported (not only the first), so a node can fix its data in one go.
 * The returned problem is a clean copy: unknown fields are dropped so that
 * they can never influence the plan.
 */
import { PRIORITIES, type Priority, type Problem, type ValidationError } from "./types.js";

type Obj = Record<string, unknown>;
type Result = { ok: true; problem: Problem } | { ok: false; errors: ValidationError[] };

const LISTS = ["communities", "resources", "offers", "needs", "legs"] as const;

export function validateProblem(input: unknown): Result {
  const errors: ValidationError[] = [];
  const err = (path: string, rule: string, message: string) => errors.push({ path, rule, message });

  if (!isObj(input)) {
    err("", "object", "the problem must be a JSON object");
    return { ok: false, errors };
  }
  if (input.version !== 1) err("version", "version", `version must be 1, got ${show(input.version)}`);
  const lists: Record<string, Obj[]> = {};
  for (const name of LISTS) {
    const v = input[name];
    if (!Array.isArray(v)) {
      err(name, "array", `${name} must be an array`);
      lists[name] = [];
      continue;
    }
    // Positions stay aligned with the input so that error paths name the right entry.
    lists[name] = v as Obj[];
    v.forEach((e, i) => {
      if (!isObj(e)) err(`${name}[${i}]`, "object", `${name}[${i}] must be an object`);
    });
  }
  if (errors.some((e) => e.rule === "array")) return { ok: false, errors };

  const ids: Record<string, Set<string>> = {};
  for (const name of LISTS) {
    const seen = new Set<string>();
    lists[name]!.forEach((e, i) => {
      if (!isObj(e)) return;
      const id = e.id;
      if (typeof id !== "string" || id.length === 0) {
        err(`${name}[${i}].id`, "id", `${name}[${i}].id must be a non-empty string`);
      } else if (seen.has(id)) {
        err(`${name}[${i}].id`, "unique-id", `${name}[${i}].id "${id}" is used twice in ${name}`);
      } else seen.add(id);
    });
    ids[name] = seen;
  }

  const each = (name: string, check: (e: Obj, p: string) => void) =>
    lists[name]!.forEach((e, i) => {
      if (isObj(e)) check(e, `${name}[${i}]`);
    });
  const ref = (e: Obj, p: string, field: string, list: string) => {
    const v = e[field];
    if (typeof v !== "string" || v.length === 0)
      err(`${p}.${field}`, "reference", `${p}.${field} must be a non-empty string`);
    else if (!ids[list]!.has(v)) err(`${p}.${field}`, "reference", `${p}.${field} "${v}" names no entry of ${list}`);
  };
  const num = (e: Obj, p: string, field: string, rule: "positive" | "non-negative") => {
    const v = e[field];
    const ok = typeof v === "number" && Number.isFinite(v) && (rule === "positive" ? v > 0 : v >= 0);
    if (!ok) {
      const want = rule === "positive" ? "a finite number > 0" : "a finite number >= 0";
      err(`${p}.${field}`, rule, `${p}.${field} must be ${want}, got ${show(v)}`);
    }
  };
  const optNum = (e: Obj, p: string, field: string, limit: number) => {
    const v = e[field];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isFinite(v) || Math.abs(v) > limit)
      err(
        `${p}.${field}`,
        "coordinate",
        `${p}.${field} must be a number between -${limit} and ${limit}, got ${show(v)}`,
      );
  };

  each("communities", (e, p) => {
    if (e.name !== undefined && typeof e.name !== "string") err(`${p}.name`, "string", `${p}.name must be a string`);
    optNum(e, p, "lat", 90);
    optNum(e, p, "lon", 180);
  });
  each("resources", (e, p) => {
    if (typeof e.unit !== "string" || e.unit.length === 0)
      err(`${p}.unit`, "string", `${p}.unit must be a non-empty string`);
    num(e, p, "kgPerUnit", "non-negative");
  });
  each("offers", (e, p) => {
    ref(e, p, "community", "communities");
    ref(e, p, "resource", "resources");
    num(e, p, "quantity", "positive");
  });
  each("needs", (e, p) => {
    ref(e, p, "community", "communities");
    ref(e, p, "resource", "resources");
    num(e, p, "quantity", "positive");
    if (!PRIORITIES.includes(e.priority as Priority))
      err(
        `${p}.priority`,
        "priority",
        `${p}.priority must be one of ${PRIORITIES.join(", ")}, got ${show(e.priority)}`,
      );
  });
  each("legs", (e, p) => {
    ref(e, p, "from", "communities");
    ref(e, p, "to", "communities");
    num(e, p, "capacityKg", "non-negative");
    num(e, p, "distanceKm", "non-negative");
  });

  if (errors.length > 0) return { ok: false, errors };
  const L = lists as Record<(typeof LISTS)[number], Obj[]>;
  const problem: Problem = {
    version: 1,
    communities: L.communities.map((c) => ({
      id: c.id as string,
      ...(c.name !== undefined ? { name: c.name as string } : {}),
      ...(c.lat !== undefined ? { lat: c.lat as number } : {}),
      ...(c.lon !== undefined ? { lon: c.lon as number } : {}),
    })),
    resources: L.resources.map((r) => ({
      id: r.id as string,
      unit: r.unit as string,
      kgPerUnit: r.kgPerUnit as number,
    })),
    offers: L.offers.map((o) => ({
      id: o.id as string,
      community: o.community as string,
      resource: o.resource as string,
      quantity: o.quantity as number,
    })),
    needs: L.needs.map((n) => ({
      id: n.id as string,
      community: n.community as string,
      resource: n.resource as string,
      quantity: n.quantity as number,
      priority: n.priority as Priority,
    })),
    legs: L.legs.map((l) => ({
      id: l.id as string,
      from: l.from as string,
      to: l.to as string,
      capacityKg: l.capacityKg as number,
      distanceKm: l.distanceKm as number,
    })),
  };
  return { ok: true, problem };
}

/** One line per error, as the CLI prints them. */
export function formatValidationErrors(errors: readonly ValidationError[]): string {
  return errors.map((e) => `invalid problem: ${e.path || "(root)"}: ${e.message} [${e.rule}]`).join("\n");
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (v === undefined) return "nothing";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
