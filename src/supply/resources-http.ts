import { Type } from "@fastify/type-provider-typebox";
import type { ResourceKindRow } from "../db/schema/supply.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem, validationProblem } from "../lib/problem.js";
import { addUnit, findKind, insertKind, listKinds, listUnits } from "./catalogue-store.js";
import { CATEGORIES, validateNewKind, validateUnitCode } from "./resources.js";

/** The resource catalogue: kinds (with stable URIs other nodes can adopt) and units. */
export function registerResourceRoutes(app: App, deps: HttpDeps): void {
  const { db, config } = deps.services;
  const admin = { preHandler: requireAdmin(db) };
  const tags = ["resources"];

  app.get("/api/resources", { schema: { tags, summary: "Resource kinds this node knows, with their stable URIs" } }, async () => ({
    categories: CATEGORIES,
    items: listKinds(db).map(serializeKind),
  }));

  app.post(
    "/api/resources",
    {
      ...admin,
      schema: {
        tags,
        summary: "Add a resource kind; pass `uri` to adopt another node's kind so both mean the same thing",
        body: Type.Object(
          {
            slug: Type.String({ minLength: 1, maxLength: 64 }),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            unit: Type.String({ minLength: 1, maxLength: 32 }),
            kgPerUnit: Type.Number({ minimum: 0, maximum: 100000 }),
            category: Type.Union(CATEGORIES.map((c) => Type.Literal(c))),
            uri: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const units = listUnits(db).map((u) => u.code);
      const errors = validateNewKind(request.body, units);
      if (errors.length > 0) throw new HttpProblem(validationProblem(errors));
      if (findKind(db, request.body.slug)) throw HttpProblem.of("conflict", `A kind with slug ${request.body.slug} exists`);
      if (request.body.uri && findKind(db, request.body.uri)) throw HttpProblem.of("conflict", `A kind with uri ${request.body.uri} exists`);
      const row = insertKind(db, config.origin, request.body);
      return reply.status(201).send(serializeKind(row));
    },
  );

  app.get("/api/units", { schema: { tags, summary: "Units quantities can be counted in" } }, async () => ({ items: listUnits(db) }));

  app.post(
    "/api/units",
    {
      ...admin,
      schema: {
        tags,
        summary: "Add a unit",
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 32 }), label: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const errors = validateUnitCode(request.body.code);
      if (errors.length > 0) throw new HttpProblem(validationProblem(errors));
      if (!addUnit(db, request.body.code, request.body.label)) throw HttpProblem.of("conflict", `Unit ${request.body.code} exists`);
      return reply.status(201).send(request.body);
    },
  );

  // The kind's URI dereferences to something a person or a peer can read.
  app.get<{ Params: { slug: string } }>("/resources/:slug", { schema: { hide: true } }, async (request) => {
    const kind = findKind(db, request.params.slug);
    if (!kind || kind.uri !== new URL(`/resources/${request.params.slug}`, config.origin).href) {
      throw HttpProblem.of("notFound", `No resource kind ${request.params.slug} defined here`);
    }
    return serializeKind(kind);
  });
}

export function serializeKind(k: ResourceKindRow) {
  return { slug: k.slug, uri: k.uri, name: k.name, unit: k.unit, kgPerUnit: k.kgPerUnit, category: k.category };
}
