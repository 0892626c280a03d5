import type { ResourceKindRow, SupplyItemRow } from "../db/schema/supply.js";
import { commitWithActivities } from "../federation/outbox.js";
import { prepareSupplyActivities } from "../federation/supply.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem, validationProblem } from "../lib/problem.js";
import { findKind, findKindById } from "./catalogue-store.js";
import { checkNeed, checkOffer, type ItemFields, type ItemKind, toNeedInput, toOfferInput } from "./items.js";
import { changedItemRow, fieldsOf, findItem, insertItem, newItemRow, saveChange } from "./store.js";

/**
 * Creating, changing and withdrawing our own offers and needs, shared by the
 * JSON API and the web pages: check → row → activity, saved in one transaction.
 * Inputs have the API's shape (`resource`, `quantity`, `availableFrom`…).
 */

const RULES = {
  offer: { check: checkOffer, toInput: toOfferInput },
  need: { check: checkNeed, toInput: toNeedInput },
} as const;

export function resolveKind(deps: HttpDeps, ref: string): ResourceKindRow {
  const kind = findKind(deps.services.db, ref);
  if (!kind) throw HttpProblem.invalid("resource", `"${ref}" is not a known resource kind (see GET /api/resources)`);
  return kind;
}

export function loadItem(deps: HttpDeps, kind: ItemKind, id: string): SupplyItemRow {
  const row = findItem(deps.services.db, id, kind);
  if (!row) throw HttpProblem.of("notFound", `No ${kind} with id ${id}`);
  return row;
}

function checked(kind: ItemKind, input: object, now: number): ItemFields {
  const r = RULES[kind].check(input as never, now);
  if (!r.ok) throw new HttpProblem(validationProblem(r.errors));
  return r.value;
}

export async function createSupplyItem(deps: HttpDeps, kind: ItemKind, input: { resource: string }, actor: string): Promise<SupplyItemRow> {
  const now = Date.now();
  const resource = resolveKind(deps, input.resource);
  const row = newItemRow(crypto.randomUUID(), kind, resource.id, checked(kind, input, now), now);
  const prepared = await prepareSupplyActivities(deps.context(), "create", row, resource);
  commitWithActivities(deps.services, (emit) => {
    insertItem(deps.services.db, row, actor);
    for (const activity of prepared) emit(activity);
  });
  return row;
}

export async function changeSupplyItem(
  deps: HttpDeps,
  kind: ItemKind,
  id: string,
  changes: { resource?: string } & Record<string, unknown>,
  reason: string | null,
  actor: string,
): Promise<SupplyItemRow> {
  const { db } = deps.services;
  const before = loadItem(deps, kind, id);
  if (before.status !== "active") throw HttpProblem.of("conflict", `This ${kind} was withdrawn; publish a new one`);
  const oldKind = findKindById(db, before.resourceId) as ResourceKindRow;
  const resource = changes.resource === undefined ? oldKind : resolveKind(deps, changes.resource);
  const now = Date.now();
  const fields = checked(kind, { ...RULES[kind].toInput(fieldsOf(before), oldKind.slug), ...changes }, now);
  const after = changedItemRow(before, { resourceId: resource.id, fields }, now);
  const prepared = await prepareSupplyActivities(deps.context(), "update", after, resource);
  commitWithActivities(deps.services, (emit) => {
    if (!saveChange(db, before, after, actor, reason)) {
      throw HttpProblem.of("conflict", `The ${kind} changed meanwhile; fetch it and try again`);
    }
    for (const activity of prepared) emit(activity);
  });
  return after;
}

export async function withdrawSupplyItem(deps: HttpDeps, kind: ItemKind, id: string, reason: string | null, actor: string): Promise<SupplyItemRow> {
  const { db } = deps.services;
  const before = loadItem(deps, kind, id);
  if (before.status !== "active") throw HttpProblem.of("conflict", `This ${kind} is already withdrawn`);
  const resource = findKindById(db, before.resourceId) as ResourceKindRow;
  const after = changedItemRow(before, { status: "withdrawn" }, Date.now());
  const prepared = await prepareSupplyActivities(deps.context(), "delete", after, resource);
  commitWithActivities(deps.services, (emit) => {
    if (!saveChange(db, before, after, actor, reason)) {
      throw HttpProblem.of("conflict", `The ${kind} changed meanwhile; fetch it and try again`);
    }
    for (const activity of prepared) emit(activity);
  });
  return after;
}
