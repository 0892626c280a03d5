import { Type } from "@fastify/type-provider-typebox";
import { Follow, Undo } from "@fedify/vocab";
import { desc } from "drizzle-orm";
import { deliveryFailuresTable, type FollowerRow, type FollowingRow } from "../db/schema/federation.js";
import { activityUri } from "../federation/context.js";
import { commitWithActivities, prepareActivity } from "../federation/outbox.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { answerFollower } from "./answer-follower.js";
import { followActor } from "./follow-actor.js";
import {
  deleteFollowing,
  findFollowing,
  findFollowingById,
  listFollowers,
  listFollowing,
} from "./follows.js";

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Admin endpoints for who we follow and who follows us. */
export function registerNetworkRoutes(app: App, deps: HttpDeps): void {
  const { services } = deps;
  const { db, config } = services;
  const admin = { preHandler: requireAdmin(db) };

  app.get(
    "/api/following",
    { ...admin, schema: { tags: ["network"], summary: "Communities we follow, with the state of each follow" } },
    async () => ({ items: listFollowing(db).map(serializeFollowing) }),
  );

  app.post(
    "/api/following",
    {
      ...admin,
      schema: {
        tags: ["network"],
        summary: "Follow another community by its actor URL (or acct: handle where https is available)",
        body: Type.Object({ actor: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const result = await followActor(deps.context(), request.body.actor);
      if (!result.ok) throw HttpProblem.invalid("actor", result.message);
      const row = result.row;
      return reply.status(202).send(serializeFollowing(row));
    },
  );

  app.delete(
    "/api/following/:id",
    { ...admin, schema: { tags: ["network"], summary: "Stop following a community (sends Undo)", params: IdParams } },
    async (request, reply) => {
      const row = findFollowingById(db, request.params.id);
      if (!row) throw HttpProblem.of("notFound", `No followed community with id ${request.params.id}`);
      const ctx = deps.context();
      const undo = new Undo({
        id: activityUri(config.origin, crypto.randomUUID()),
        actor: ctx.getActorUri(config.handle),
        object: new Follow({ id: new URL(row.followActivityId), actor: ctx.getActorUri(config.handle), object: new URL(row.actorUri) }),
        to: new URL(row.actorUri),
      });
      const prepared = await prepareActivity(ctx, undo, {
        sender: config.handle,
        audience: { followers: false, actors: [{ id: row.actorUri, inbox: row.inboxUrl, sharedInbox: row.sharedInboxUrl }] },
      });
      commitWithActivities(services, (emit) => {
        if (!findFollowing(db, row.actorUri)) return;
        deleteFollowing(db, row.id);
        emit(prepared);
      });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/followers",
    {
      ...admin,
      schema: {
        tags: ["network"],
        summary: "Who follows this community; pending ones wait for approval under the manual policy",
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal("pending"), Type.Literal("accepted")])),
          after: Type.Optional(Type.Integer({ minimum: 0 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
        }),
      },
    },
    async (request) => {
      const page = listFollowers(db, config.handle, {
        status: request.query.status,
        after: request.query.after,
        limit: request.query.limit ?? 50,
      });
      return { items: page.items.map(serializeFollower), next: page.next };
    },
  );

  const answer = (kind: "accept" | "reject") => async (request: { params: { id: number } }) => {
    const row = await answerFollower(deps, request.params.id, kind);
    return kind === "accept" ? serializeFollower(row) : { ...serializeFollower(row), status: "rejected" };
  };


  app.post(
    "/api/followers/:id/approve",
    { ...admin, schema: { tags: ["network"], summary: "Approve a pending follower (sends Accept)", params: IdParams } },
    answer("accept"),
  );
  app.post(
    "/api/followers/:id/reject",
    { ...admin, schema: { tags: ["network"], summary: "Reject a pending follower (sends Reject)", params: IdParams } },
    answer("reject"),
  );

  app.get(
    "/api/delivery-failures",
    { ...admin, schema: { tags: ["network"], summary: "Deliveries that failed or were given up on" } },
    async () => ({
      items: db.select().from(deliveryFailuresTable).orderBy(desc(deliveryFailuresTable.id)).limit(200).all(),
    }),
  );
}

export function serializeFollowing(row: FollowingRow) {
  return {
    id: row.id,
    actor: row.actorUri,
    handle: row.handle,
    name: row.name,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export function serializeFollower(row: FollowerRow) {
  return {
    id: row.id,
    actor: row.actorUri,
    status: row.status,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}
