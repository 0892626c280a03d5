import { type Static, Type } from "@fastify/type-provider-typebox";
import type { NetworkItemRow, ResourceKindRow } from "../db/schema/supply.js";
import { proposalOf, supplyCollectionJson } from "../federation/supply.js";
import { resyncFrom } from "../federation/supply-resync.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { findFollowingById } from "../network/follows.js";
import { html, page, SafeHtml } from "../web/html.js";
import { findKind, findKindById } from "./catalogue-store.js";
import type { ItemKind } from "./items.js";
import { currentItems, findItem } from "./store.js";
import { type Near, totalsByResource, withinRadius } from "./view.js";
import { listRejections, queryNetwork } from "./view-store.js";
import { formatQuantity, itemContent, itemTitle } from "../federation/mappers/supply.js";

const ViewQuery = Type.Object(
  {
    resource: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: "resource kind URI, or a local slug" })),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    actor: Type.Optional(Type.String({ maxLength: 2048, description: "only this community" })),
    near: Type.Optional(Type.String({ pattern: "^-?\\d+(\\.\\d+)?,-?\\d+(\\.\\d+)?$", description: "lat,lon" })),
    radiusKm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 20038 })),
    includeOwn: Type.Optional(Type.Boolean({ default: true, description: "include this community's own items" })),
  },
  { additionalProperties: false },
);

type ViewRow = Pick<
  NetworkItemRow,
  | "objectUri" | "actorUri" | "kind" | "resourceUri" | "resourceName" | "category" | "unit" | "quantity"
  | "windowStart" | "windowEnd" | "priority" | "lat" | "lon" | "locationName" | "name" | "version"
> & { receivedAt: number | null; activityId: string | null };

/** The network view: who offers and who needs what, across the communities we follow (and our own). */
export function registerNetworkViewRoutes(app: App, deps: HttpDeps): void {
  const { services } = deps;
  const { db, config } = services;
  const admin = { preHandler: requireAdmin(db) };
  const tags = ["network view"];

  const select = (kind: ItemKind | undefined, q: Static<typeof ViewQuery>): (ViewRow & { distanceKm?: number })[] => {
    const now = Date.now();
    const resourceUri = q.resource === undefined ? undefined : (findKind(db, q.resource)?.uri ?? q.resource);
    const rows: ViewRow[] = queryNetwork(db, { kind, resourceUri, category: q.category, actorUri: q.actor, now });
    if (q.includeOwn !== false) {
      rows.push(
        ...ownItems(deps, now).filter(
          (r) =>
            (kind === undefined || r.kind === kind) &&
            (resourceUri === undefined || r.resourceUri === resourceUri) &&
            (q.category === undefined || r.category === q.category) &&
            (q.actor === undefined || r.actorUri === q.actor),
        ),
      );
    }
    const near = parseNear(q.near, q.radiusKm);
    return near ? withinRadius(rows, near) : rows.sort((a, b) => a.windowEnd - b.windowEnd);
  };

  for (const [kind, plural, who] of [["offer", "offers", "Who offers what"], ["need", "needs", "Who needs what"]] as const) {
    app.get(
      `/api/network/${plural}`,
      { ...admin, schema: { tags, summary: `${who} across the network (expired items drop out)`, querystring: ViewQuery } },
      async (request) => ({ items: select(kind, request.query).map(serializeViewRow) }),
    );
  }

  app.get(
    "/api/network/totals",
    { ...admin, schema: { tags, summary: "Totals per resource across the network: offered, needed, balance", querystring: ViewQuery } },
    async (request) => ({ items: totalsByResource(select(undefined, request.query)) }),
  );

  app.get(
    "/api/network/rejections",
    { ...admin, schema: { tags, summary: "Remote offers and needs refused (malformed or not the sender's), newest last" } },
    async () => ({
      items: listRejections(db).map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
    }),
  );

  app.post(
    "/api/following/:id/resync",
    {
      ...admin,
      schema: {
        tags,
        summary: "Fetch a followed community's current offers and needs and replace our view of it",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request) => {
      const following = findFollowingById(db, request.params.id);
      if (!following) throw HttpProblem.of("notFound", `No followed community with id ${request.params.id}`);
      if (following.status !== "accepted") throw HttpProblem.of("conflict", `The follow is ${following.status}, not accepted`);
      try {
        return await resyncFrom(deps.context(), following.actorUri);
      } catch (err) {
        request.log.warn({ err, actor: following.actorUri }, "resync failed");
        throw HttpProblem.of("badGateway", `Could not fetch the offers and needs of ${following.actorUri}`);
      }
    },
  );

  // The resync source: every current offer and need of the community, embedded in full.
  app.get(
    "/actors/:identifier/supply",
    { schema: { hide: true, params: Type.Object({ identifier: Type.String({ maxLength: 64 }) }) } },
    async (request, reply) => {
    if (request.params.identifier !== config.handle) throw HttpProblem.of("notFound", "No such community here");
    const json = await supplyCollectionJson(deps.context(), Date.now());
    return reply.type("application/activity+json").send(JSON.stringify(json));
    },
  );

  // What a browser sees at an offer's or need's URL (ActivityPub clients get JSON-LD from Fedify).
  app.get("/supply/:id", { schema: { hide: true, params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } }, async (request, reply) => {
    const item = findItem(db, request.params.id);
    const kind = item ? findKindById(db, item.resourceId) : undefined;
    if (!item || !kind) throw HttpProblem.of("notFound", "No such offer or need");
    // Fedify answers ActivityPub clients for live objects; a withdrawn one reaches here and is Gone.
    if (/application\/(activity|ld)\+json/.test(request.headers.accept ?? "")) {
      const id = new URL(`/supply/${item.id}`, config.origin).href;
      return reply
        .status(410)
        .type("application/activity+json")
        .send({ "@context": "https://www.w3.org/ns/activitystreams", id, type: "Tombstone", formerType: "Proposal" });
    }
    const title = itemTitle(item.kind, item.quantity, kind.unit, kind.name);
    const withdrawn = item.status !== "active";
    const body = html`<h1>${title}</h1>
${withdrawn ? html`<p class="muted">Withdrawn.</p>` : ""}
${new SafeHtml(itemContent(item, kind)) /* itemContent escapes every value itself */}
<p class="muted">Published by <a href="/actors/${config.handle}">${config.name}</a>. Resource: <a href="${kind.uri}">${kind.uri}</a></p>`;
    return reply.type("text/html; charset=utf-8").send(page(title, body));
  });
}

/** Our own current items in the view's shape, so totals cover the whole network including us. */
function ownItems(deps: HttpDeps, now: number): ViewRow[] {
  const ctx = deps.context();
  const kinds = new Map<number, ResourceKindRow | undefined>();
  const out: ViewRow[] = [];
  for (const item of currentItems(deps.services.db, now)) {
    if (!kinds.has(item.resourceId)) kinds.set(item.resourceId, findKindById(deps.services.db, item.resourceId));
    const kind = kinds.get(item.resourceId);
    if (!kind) continue;
    out.push({
      objectUri: proposalOf(ctx, item, kind).id?.href ?? "",
      actorUri: ctx.getActorUri(deps.services.config.handle).href,
      kind: item.kind,
      resourceUri: kind.uri,
      resourceName: kind.name,
      category: kind.category,
      unit: kind.unit,
      quantity: item.quantity,
      windowStart: item.windowStart,
      windowEnd: item.windowEnd,
      priority: item.priority,
      lat: item.lat,
      lon: item.lon,
      locationName: item.locationName,
      name: itemTitle(item.kind, item.quantity, kind.unit, kind.name),
      version: item.version,
      receivedAt: null,
      activityId: null,
    });
  }
  return out;
}

function parseNear(near: string | undefined, radiusKm: number | undefined): Near | null {
  if (near === undefined) {
    if (radiusKm !== undefined) throw HttpProblem.invalid("query.near", "is required with radiusKm");
    return null;
  }
  const [lat, lon] = near.split(",").map(Number) as [number, number];
  if (lat < -90 || lat > 90) throw HttpProblem.invalid("query.near", "latitude must be between -90 and 90");
  if (lon < -180 || lon > 180) throw HttpProblem.invalid("query.near", "longitude must be between -180 and 180");
  return { lat, lon, radiusKm: radiusKm ?? 50 };
}

function serializeViewRow(r: ViewRow & { distanceKm?: number }) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    object: r.objectUri,
    actor: r.actorUri,
    kind: r.kind,
    name: r.name,
    resource: { uri: r.resourceUri, name: r.resourceName, category: r.category },
    quantity: Number(formatQuantity(r.quantity)),
    unit: r.unit,
    windowStart: iso(r.windowStart),
    windowEnd: iso(r.windowEnd),
    priority: r.priority,
    location: r.lat === null || r.lon === null ? null : { lat: r.lat, lon: r.lon, name: r.locationName },
    ...(r.distanceKm === undefined ? {} : { distanceKm: r.distanceKm }),
    provenance: { version: iso(r.version), receivedAt: iso(r.receivedAt), activity: r.activityId },
  };
}
