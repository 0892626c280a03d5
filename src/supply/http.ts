import { type Static, type TSchema, Type } from "@fastify/type-provider-typebox";
import type { ResourceKindRow, SupplyItemRow } from "../db/schema/supply.js";
import { proposalOf } from "../federation/supply.js";
import { changeSupplyItem, createSupplyItem, withdrawSupplyItem } from "./actions.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { findKind, findKindById } from "./catalogue-store.js";
import { type Checked, checkNeed, checkOffer, type ItemFields, type ItemKind, MAX_QUANTITY, PRIORITIES, toNeedInput, toOfferInput } from "./items.js";
import { findItem, itemHistory, listItems } from "./store.js";

const Location = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lon: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);
const Quantity = Type.Number({ exclusiveMinimum: 0, maximum: MAX_QUANTITY });
const Instant = Type.String({ format: "date-time" });
const Notes = Type.String({ maxLength: 2000 });
const Resource = Type.String({ minLength: 1, maxLength: 2048, description: "slug or URI of a resource kind" });
const Priority = Type.Union(PRIORITIES.map((p) => Type.Literal(p)));
const Reason = Type.String({ maxLength: 500, description: "why it changed (goods went out, arrived…), kept in the history" });

const OfferFields = {
  resource: Resource,
  quantity: Quantity,
  availableFrom: Instant,
  availableUntil: Instant,
  pickup: Location,
  notes: Type.Optional(Notes),
};
const NeedFields = {
  resource: Resource,
  quantity: Quantity,
  priority: Priority,
  neededBy: Instant,
  delivery: Location,
  notes: Type.Optional(Notes),
};

function partial<T extends Record<string, TSchema>>(fields: T) {
  const out: Record<string, TSchema> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = Type.Optional(v);
  return Type.Object({ ...out, reason: Type.Optional(Reason) }, { additionalProperties: false, minProperties: 1 });
}

const ListQuery = Type.Object(
  {
    category: Type.Optional(Type.String({ maxLength: 64 })),
    resource: Type.Optional(Resource),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("withdrawn"), Type.Literal("expired")])),
    from: Type.Optional(Instant),
    until: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ format: "uuid" }) });
const WithdrawQuery = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });

interface KindSpec {
  readonly kind: ItemKind;
  readonly plural: "offers" | "needs";
  readonly create: TSchema;
  readonly patch: TSchema;
  // Each spec pairs a body schema with its checker; AJV has already checked the shape.
  readonly check: (input: never, now: number) => Checked<ItemFields>;
  readonly toInput: (f: ItemFields, resource: string) => object;
}

const SPECS: readonly KindSpec[] = [
  {
    kind: "offer",
    plural: "offers",
    create: Type.Object(OfferFields, { additionalProperties: false }),
    patch: partial(OfferFields),
    check: checkOffer,
    toInput: toOfferInput,
  },
  {
    kind: "need",
    plural: "needs",
    create: Type.Object(NeedFields, { additionalProperties: false }),
    patch: partial(NeedFields),
    check: checkNeed,
    toInput: toNeedInput,
  },
];

/** Admin endpoints for the community's own offers (surplus) and needs. */
export function registerSupplyRoutes(app: App, deps: HttpDeps): void {
  for (const spec of SPECS) registerKind(app, deps, spec);
}

function registerKind(app: App, deps: HttpDeps, spec: KindSpec): void {
  const { services } = deps;
  const { db } = services;
  const admin = { preHandler: requireAdmin(db) };
  const tags = [spec.plural];
  const base = `/api/${spec.plural}`;
  const serialize = (row: SupplyItemRow) => serializeItem(deps, row, Date.now());

  const load = (id: string) => {
    const row = findItem(db, id, spec.kind);
    if (!row) throw HttpProblem.of("notFound", `No ${spec.kind} with id ${id}`);
    return row;
  };
  const resolveKind = (ref: string) => {
    const kind = findKind(db, ref);
    if (!kind) throw HttpProblem.invalid("resource", `"${ref}" is not a known resource kind (see GET /api/resources)`);
    return kind;
  };


  app.get(base, { ...admin, schema: { tags, summary: `List our ${spec.plural}`, querystring: ListQuery } }, async (request) => {
    const q = request.query;
    const kind = q.resource === undefined ? undefined : resolveKind(q.resource);
    const rows = listItems(db, {
      kind: spec.kind,
      status: q.status,
      category: q.category,
      resourceId: kind?.id,
      from: q.from === undefined ? undefined : Date.parse(q.from),
      until: q.until === undefined ? undefined : Date.parse(q.until),
      now: Date.now(),
    });
    return { items: rows.map(serialize) };
  });

  app.post(
    base,
    { ...admin, schema: { tags, summary: `Publish a new ${spec.kind} (sends Create to followers)`, body: spec.create } },
    async (request, reply) => {
      const body = request.body as Static<typeof spec.create> & { resource: string };
      const row = await createSupplyItem(deps, spec.kind, body, "admin");
      return reply.status(201).header("location", `${base}/${row.id}`).send(serialize(row));
    },
  );

  app.get(`${base}/:id`, { ...admin, schema: { tags, summary: `One ${spec.kind}`, params: IdParams } }, async (request) =>
    serialize(load(request.params.id)),
  );

  app.get(
    `${base}/:id/history`,
    { ...admin, schema: { tags, summary: `Every change to one ${spec.kind}`, params: IdParams } },
    async (request) => {
      const row = load(request.params.id);
      return {
        items: itemHistory(db, row.id).map((h) => ({
          change: h.change,
          actor: h.actor,
          oldQuantity: h.oldQuantity,
          newQuantity: h.newQuantity,
          reason: h.reason,
          changed: JSON.parse(h.diffJson) as unknown,
          at: new Date(h.at).toISOString(),
        })),
      };
    },
  );

  app.patch(
    `${base}/:id`,
    {
      ...admin,
      schema: { tags, summary: `Change a ${spec.kind}, e.g. its quantity as goods go out or arrive (sends Update)`, params: IdParams, body: spec.patch },
    },
    async (request) => {
      const { reason, ...changes } = request.body as { reason?: string; resource?: string };
      const after = await changeSupplyItem(deps, spec.kind, request.params.id, changes, reason ?? null, "admin");
      return serialize(after);
    },
  );

  app.delete(
    `${base}/:id`,
    { ...admin, schema: { tags, summary: `Withdraw a ${spec.kind} (sends Delete); its row and history stay`, params: IdParams, querystring: WithdrawQuery } },
    async (request) => {
      const after = await withdrawSupplyItem(deps, spec.kind, request.params.id, request.query.reason ?? null, "admin");
      return serialize(after);
    },
  );
}

/** An item as the admin API shows it (status "expired" once its window is over). */
export function serializeItem(deps: HttpDeps, row: SupplyItemRow, now: number) {
  const kind = findKindById(deps.services.db, row.resourceId) as ResourceKindRow;
  const status = row.status === "active" && row.windowEnd < now ? "expired" : row.status;
  const place = { lat: row.lat, lon: row.lon, name: row.locationName };
  return {
    id: row.id,
    kind: row.kind,
    url: proposalOf(deps.context(), row, kind).id?.href ?? null,
    resource: { slug: kind.slug, uri: kind.uri, name: kind.name, category: kind.category },
    quantity: row.quantity,
    unit: kind.unit,
    ...(row.kind === "offer"
      ? { availableFrom: iso(row.windowStart ?? row.windowEnd), availableUntil: iso(row.windowEnd), pickup: place }
      : { priority: row.priority, neededBy: iso(row.windowEnd), delivery: place }),
    notes: row.notes,
    status,
    version: row.version,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
