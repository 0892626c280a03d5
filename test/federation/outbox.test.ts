import { Create, Note } from "@fedify/vocab";
import { eq } from "drizzle-orm";
import t from "tap";
import { followingTable, outboxTable } from "../../src/db/schema/federation.js";
import { markProcessed } from "../../src/federation/inbox/log.js";
import { commitWithActivities, prepareActivity } from "../../src/federation/outbox.js";
import { buildTestApp } from "../helpers/test-app.js";

async function prepared(node: Awaited<ReturnType<typeof buildTestApp>>, n: number) {
  const ctx = node.federation.createContext(new URL(node.services.config.origin), node.services);
  const actor = ctx.getActorUri("testville");
  const activity = new Create({
    id: new URL(`${node.services.config.origin}/activities/test-${n}`),
    actor,
    object: new Note({ id: new URL(`${node.services.config.origin}/notes/${n}`), content: `note ${n}` }),
  });
  return prepareActivity(ctx, activity, { sender: "testville", audience: { followers: true, actors: [] }, listed: true });
}

const followRow = (id: string) => ({
  actorUri: `https://remote.example/actors/${id}`,
  inboxUrl: `https://remote.example/actors/${id}/inbox`,
  followActivityId: `https://remote.example/activities/${id}`,
  status: "pending" as const,
});

t.test("a change and its activities commit together", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  const activity = await prepared(node, 1);
  commitWithActivities(node.services, (emit) => {
    db.insert(followingTable).values(followRow("a")).run();
    emit(activity);
  });
  t.equal(db.select().from(followingTable).all().length, 1, "the change is saved");
  const rows = db.select().from(outboxTable).all();
  t.equal(rows.length, 1, "its activity is in the outbox");
  t.equal(rows[0]?.activityId, activity.id);
  t.equal(rows[0]?.listed, true);
});

t.test("when the change fails, neither it nor its activities are saved", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  const activity = await prepared(node, 2);
  t.throws(() =>
    commitWithActivities(node.services, (emit) => {
      db.insert(followingTable).values(followRow("b")).run();
      emit(activity);
      throw new Error("domain rule broken half-way");
    }),
  );
  t.equal(db.select().from(followingTable).all().length, 0, "the change was rolled back");
  t.equal(db.select().from(outboxTable).all().length, 0, "no activity was queued");
});

t.test("committed activities are handed to delivery and marked, also after a restart", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  const activity = await prepared(node, 3);
  // As if the node crashed right after the commit: a row that was never dispatched.
  commitWithActivities(node.services, (emit) => emit(activity));
  await node.services.outbox.kick();
  const row = db.select().from(outboxTable).where(eq(outboxTable.activityId, activity.id)).get();
  t.type(row?.dispatchedAt, "number", "the dispatcher handed it over and marked it");
});

t.test("an inbound activity's effects apply once, however often it is delivered", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  const activity = { id: "https://remote.example/activities/1", actor: "https://remote.example/actors/x", type: "Follow" };
  t.equal(markProcessed(db, activity), true, "first delivery applies");
  t.equal(markProcessed(db, activity), false, "a replay is recognised");
});
