import { Follow } from "@fedify/vocab";
import type { FollowerRow } from "../db/schema/federation.js";
import { prepareAccept } from "../federation/inbox/follows.js";
import { commitWithActivities } from "../federation/outbox.js";
import type { HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { findFollowerById, removeFollower, setFollowerStatus } from "./follows.js";

/**
 * Approves or rejects a pending follow request (manual follow policy): the
 * status change and the Accept/Reject go out together. Shared by the JSON API
 * and the admin dashboard.
 */
export async function answerFollower(deps: HttpDeps, id: number, kind: "accept" | "reject"): Promise<FollowerRow> {
  const { services } = deps;
  const { db, config } = services;
  const row = findFollowerById(db, id);
  if (!row || row.followee !== config.handle) throw HttpProblem.of("notFound", `No follower with id ${id}`);
  if (row.status !== "pending") throw HttpProblem.of("conflict", `Follower ${row.id} is already ${row.status}`);
  const ctx = deps.context();
  const follow = new Follow({ id: new URL(row.followActivityId), actor: new URL(row.actorUri), object: ctx.getActorUri(config.handle) });
  const recipient = { id: row.actorUri, inbox: row.inboxUrl, sharedInbox: row.sharedInboxUrl };
  const prepared = await prepareAccept(ctx, config.handle, follow, recipient, kind);
  commitWithActivities(services, (emit) => {
    if (kind === "accept") setFollowerStatus(db, row.id, "accepted");
    else removeFollower(db, config.handle, row.actorUri);
    emit(prepared);
  });
  return { ...row, status: "accepted" };
}
