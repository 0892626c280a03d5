/**
 * Our offers and needs as ActivityPub objects: dereferenceable at
 * /supply/{id}, announced with Create/Update/Delete, and listed in full at
 * /actors/{handle}/supply so a follower can resync after downtime.
 */
import type { Context, Federation } from "@fedify/fedify";
import { Create, Delete, Note, OrderedCollection, PUBLIC_COLLECTION, Proposal, Tombstone, Update } from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { ResourceKindRow, SupplyItemRow } from "../db/schema/supply.js";
import { findKindById } from "../supply/catalogue-store.js";
import { currentItems, findItem } from "../supply/store.js";
import { activityUri, type NodeServices } from "./context.js";
import { itemContent, toProposal } from "./mappers/supply.js";
import { type PreparedActivity, prepareActivity } from "./outbox.js";

export const SUPPLY_OBJECT_PATH = "/supply/{id}";

/** Where a community lists its current offers and needs: by convention, under its actor URI. */
export function supplyCollectionUri(actorUri: string): URL {
  return new URL(`${actorUri.replace(/\/$/, "")}/supply`);
}

export function registerSupplyObjects(federation: Federation<NodeServices>): void {
  // One path for both kinds: Fedify allows one object dispatcher per class, and both are Proposals.
  federation.setObjectDispatcher(Proposal, SUPPLY_OBJECT_PATH, (ctx, values) => {
    const item = findItem(ctx.data.db, values.id);
    if (item?.status !== "active") return null;
    const kind = findKindById(ctx.data.db, item.resourceId);
    return kind ? proposalOf(ctx, item, kind) : null;
  });
}

export function proposalOf(ctx: Context<NodeServices>, item: SupplyItemRow, kind: ResourceKindRow): Proposal {
  const handle = ctx.data.config.handle;
  return toProposal(item, kind, {
    objectUri: ctx.getObjectUri(Proposal, { id: item.id }),
    actorUri: ctx.getActorUri(handle),
    followersUri: ctx.getFollowersUri(handle),
  });
}

/**
 * The activities announcing a change, ready for commitWithActivities: Create
 * on publish, Update on change, Delete (with a Tombstone) on withdrawal.
 * Public, delivered to the community's followers and listed in its outbox.
 *
 * Each goes out twice: once about the FEP-0837 Proposal (what Tendril nodes
 * read) and once about a plain Note with the same readable text, because
 * Mastodon and most microblogging servers drop object types they do not know,
 * and a person following the community should still see its offers and needs.
 * Tendril nodes ignore the Note.
 */
export async function prepareSupplyActivities(
  ctx: Context<NodeServices>,
  verb: "create" | "update" | "delete",
  item: SupplyItemRow,
  kind: ResourceKindRow,
): Promise<PreparedActivity[]> {
  const { config } = ctx.data;
  const actor = ctx.getActorUri(config.handle);
  const at = Temporal.Instant.fromEpochMilliseconds(item.version);
  const common = () => ({
    id: activityUri(config.origin, crypto.randomUUID()),
    actor,
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(config.handle),
    published: at,
  });
  const proposal = proposalOf(ctx, item, kind);
  const post = postOf(proposal, item, kind, actor, ctx.getFollowersUri(config.handle));
  const announce = (object: Proposal | Note) =>
    verb === "create"
      ? new Create({ ...common(), object })
      : verb === "update"
        ? new Update({ ...common(), object })
        : new Delete({ ...common(), object: new Tombstone({ id: object.id, deleted: at }) });
  const options = { sender: config.handle, audience: { followers: true, actors: [] }, listed: true };
  return [await prepareActivity(ctx, announce(proposal), options), await prepareActivity(ctx, announce(post), options)];
}

/** The readable post shown by microblogging servers: the Proposal's text, linking to its page. */
function postOf(proposal: Proposal, item: SupplyItemRow, kind: ResourceKindRow, actor: URL, followers: URL): Note {
  const page = proposal.id as URL;
  return new Note({
    id: new URL(`${page.href}#post`),
    attribution: actor,
    to: PUBLIC_COLLECTION,
    cc: followers,
    published: Temporal.Instant.fromEpochMilliseconds(item.createdAt),
    updated: Temporal.Instant.fromEpochMilliseconds(item.version),
    url: page,
    content: `${itemContent(item, kind)}<p><a href="${page.href}">${page.href}</a></p>`,
  });
}

/** The current (active, unexpired) offers and needs as one OrderedCollection, embedded in full. */
export async function supplyCollectionJson(ctx: Context<NodeServices>, now: number): Promise<unknown> {
  const { db, config } = ctx.data;
  const items: Proposal[] = [];
  for (const item of currentItems(db, now)) {
    const kind = findKindById(db, item.resourceId);
    if (kind) items.push(proposalOf(ctx, item, kind));
  }
  const collection = new OrderedCollection({
    id: supplyCollectionUri(ctx.getActorUri(config.handle).href),
    attribution: ctx.getActorUri(config.handle),
    totalItems: items.length,
    items,
  });
  return collection.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
}
