import { Type } from "@fastify/type-provider-typebox";
import type { ResourceKindRow } from "../db/schema/supply.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem, validationProblem } from "../lib/problem.js";
import { addUnit, findKind, insertKind, listKinds, listUnits } from "./catalogue-store.js";
import { isHttpUrl } from "../lib/url.js";
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

  app.post(
    "/api/resources/adopt",
    {
      ...admin,
      schema: {
        tags,
        summary: "Adopt another node's resource kind by its URI (fetched from that node; its unit must be known here)",
        body: Type.Object(
          { uri: Type.String({ minLength: 1, maxLength: 2048 }), slug: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { uri } = request.body;
      if (findKind(db, uri)) throw HttpProblem.of("conflict", `The kind ${uri} is already in the catalogue`);
      const remote = await fetchKind(uri);
      if (remote === null) throw HttpProblem.invalid("uri", "did not answer with a resource kind (slug, name, unit, kgPerUnit, category)");
      const input = { ...remote, slug: request.body.slug ?? remote.slug, uri };
      const errors = validateNewKind(input, listUnits(db).map((u) => u.code));
      if (errors.length > 0) throw new HttpProblem(validationProblem(errors.map((e) => ({ ...e, name: e.name === "slug" ? "slug" : `remote.${e.name}` }))));
      if (findKind(db, input.slug)) throw HttpProblem.of("conflict", `A kind with slug ${input.slug} exists; pass another slug`);
      return reply.status(201).send(serializeKind(insertKind(db, config.origin, input)));
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
  app.get("/resources/:slug", { schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 64 }) }) } }, async (request) => {
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

/** Reads a kind as another Tendril node serves it at its URI; null when it is not one. */
async function fetchKind(uri: string): Promise<{ slug: string; name: string; unit: string; kgPerUnit: number; category: string } | null> {
  if (!isHttpUrl(uri)) return null;
  try {
    const response = await fetch(uri, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return null;
    const text = await response.text();
    if (text.length > 10_000) return null;
    const k = JSON.parse(text) as Record<string, unknown>;
    if (k.uri !== uri) return null;
    const { slug, name, unit, kgPerUnit, category } = k;
    if (typeof slug !== "string" || typeof name !== "string" || typeof unit !== "string") return null;
    if (typeof kgPerUnit !== "number" || typeof category !== "string") return null;
    return { slug, name, unit, kgPerUnit, category };
  } catch {
    return null;
  }
}
