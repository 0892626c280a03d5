import t from "tap";
import { call, DAY, manualClock, withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";

const clock = manualClock("2026-11-26T12:00:00Z");

t.test("join policies: approval waits for a coordinator, invite needs an invite, open admits at once", async (t) => {
  const node = await buildTestApp(t);
  const joined = await call(node, "POST", "/api/members", undefined, {
    handle: "ana",
    displayName: "Ana",
    password: "ana-password-123",
  });
  t.equal(joined.status, 201);
  t.equal(joined.body.status, "pending", "the default policy is approval");
  const s = await call(node, "POST", "/api/sessions", undefined, { handle: "ana", password: "ana-password-123" });
  t.equal(
    (await call(node, "GET", "/api/vouchers", s.body.token)).status,
    403,
    "a pending member cannot use member endpoints yet",
  );
  t.equal((await call(node, "POST", `/api/members/${joined.body.id}/approve`, node.token)).body.status, "active");

  await call(node, "PUT", "/api/policy", node.token, { joinPolicy: "invite" });
  const refused = await call(node, "POST", "/api/members", undefined, {
    handle: "ben",
    displayName: "Ben",
    password: "ben-password-123",
  });
  t.equal(refused.status, 400);
  t.match(refused.body, { errors: [{ name: "invite" }] });
  const invite = await call(node, "POST", "/api/invites", node.token);
  const withInvite = await call(node, "POST", "/api/members", undefined, {
    handle: "ben",
    displayName: "Ben",
    password: "ben-password-123",
    invite: invite.body.token,
  });
  t.equal(withInvite.body.status, "active");
  const reused = await call(node, "POST", "/api/members", undefined, {
    handle: "cleo",
    displayName: "Cleo",
    password: "cleo-password-12",
    invite: invite.body.token,
  });
  t.match(reused.body, { status: 400, errors: [{ name: "invite", reason: /used/ }] }, "an invite works once");
});

t.test("passwords: scrypt-hashed, wrong ones refused, and repeated failures are throttled", async (t) => {
  const node = await buildTestApp(t);
  await withMembers(node, ["ana"]);
  const row = node.services.sqlite.prepare("SELECT password_hash FROM members WHERE handle = 'ana'").get() as {
    password_hash: string;
  };
  t.match(row.password_hash, /^scrypt\$[\w-]+\$[\w-]+$/, "only a salted scrypt hash is stored");
  t.notMatch(row.password_hash, /ana-password/);
  for (let i = 0; i < 5; i++)
    t.equal(
      (await call(node, "POST", "/api/sessions", undefined, { handle: "ana", password: "wrong-password" })).status,
      401,
    );
  const blocked = await call(node, "POST", "/api/sessions", undefined, { handle: "ana", password: "ana-password-123" });
  t.equal(blocked.status, 429, "even the right password waits after five failures");
});

t.test("elections: the first coordinator retires the bootstrap token; a recall removes the role", async (t) => {
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana", "ben", "cleo"]);
  clock.advance(1000);
  const election = await call(node, "POST", "/api/votes", m.ben!.token, {
    question: "Elect Ana as coordinator?",
    subject: { kind: "elect", memberId: m.ana!.id },
  });
  t.equal(election.status, 201, JSON.stringify(election.body));
  t.same(election.body.options, ["yes", "no"]);
  for (const who of ["ana", "ben", "cleo"])
    await call(node, "POST", `/api/votes/${election.body.id}/ballot`, m[who]!.token, { choice: "yes" });
  t.equal(
    (await call(node, "GET", "/api/following", node.token)).status,
    200,
    "the bootstrap token works until the election closes",
  );

  clock.advance(4 * DAY);
  const closed = await call(node, "GET", `/api/votes/${election.body.id}`);
  t.equal(closed.body.outcome, "passed");
  t.equal(closed.body.result.cast, 3);
  const me = await call(node, "GET", "/api/me", m.ana!.token);
  t.equal(me.body.role, "coordinator");
  t.equal((await call(node, "GET", "/api/following", node.token)).status, 401, "the bootstrap token is retired");
  t.equal((await call(node, "PUT", "/api/policy", node.token, { ballots: "open" })).status, 401);
  t.equal(
    (await call(node, "GET", "/api/following", m.ana!.token)).status,
    200,
    "the elected coordinator can do admin work",
  );
  t.equal((await call(node, "GET", "/api/following", m.ben!.token)).status, 401, "an ordinary member cannot");

  const ledger = JSON.parse(
    (await node.app.inject({ url: "/ledger", headers: { accept: "application/activity+json" } })).body,
  );
  t.same(
    ledger.orderedItems.slice(-3).map((e: { entryType: string }) => e.entryType),
    ["vote-result", "election", "bootstrap-retired"],
  );

  clock.advance(1000);
  const recall = await call(node, "POST", "/api/votes", m.cleo!.token, {
    question: "Recall Ana?",
    subject: { kind: "recall", memberId: m.ana!.id },
  });
  t.equal(recall.body.majority, "qualified", "recalls follow the policy majority");
  for (const who of ["ben", "cleo"])
    await call(node, "POST", `/api/votes/${recall.body.id}/ballot`, m[who]!.token, { choice: "yes" });
  await call(node, "POST", `/api/votes/${recall.body.id}/ballot`, m.ana!.token, { choice: "no" });
  clock.advance(4 * DAY);
  t.equal(
    (await call(node, "GET", `/api/votes/${recall.body.id}`)).body.outcome,
    "passed",
    "2 of 3 is a qualified majority",
  );
  t.equal((await call(node, "GET", "/api/me", m.ana!.token)).body.role, "member");
  t.equal((await call(node, "GET", "/api/following", m.ana!.token)).status, 401);
});

t.test("policy changes by vote once coordinators exist; direct changes refused and logged", async (t) => {
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana", "ben"]);
  const bad = await call(node, "POST", "/api/votes", m.ana!.token, {
    question: "Weekly?",
    subject: { kind: "policy", changes: { cycleDays: 0, timeZone: "Mars/Olympus" } },
  });
  t.equal(bad.status, 400);
  t.same(
    bad.body.errors.map((e: { name: string }) => e.name),
    ["subject.changes.cycleDays", "subject.changes.timeZone"],
  );
  const direct = await call(node, "PUT", "/api/policy", m.ana!.token, { ballots: "open" });
  t.equal(direct.status, 403);
  t.match(direct.body.detail, /decided by vote/);
  clock.advance(1000);
  const v = await call(node, "POST", "/api/votes", m.ana!.token, {
    question: "Open ballots?",
    subject: { kind: "policy", changes: { ballots: "open", timeZone: "Europe/Berlin" } },
  });
  for (const who of ["ana", "ben"])
    await call(node, "POST", `/api/votes/${v.body.id}/ballot`, m[who]!.token, { choice: "yes" });
  clock.advance(4 * DAY);
  await call(node, "POST", "/api/votes/close-due", m.ana!.token);
  const policy = await call(node, "GET", "/api/policy");
  t.equal(policy.body.ballots, "open");
  t.equal(policy.body.timeZone, "Europe/Berlin");
});

t.test("terms lapse by themselves; members cannot do coordinators' work; logout ends the session", async (t) => {
  const node = await buildTestApp(t);
  const m = await withMembers(node, ["ana", "ben"]);
  clock.advance(1000);
  const pendingJoin = await call(node, "PUT", "/api/policy", node.token, { joinPolicy: "approval" });
  t.equal(pendingJoin.status, 200);
  const zed = await call(node, "POST", "/api/members", undefined, {
    handle: "zed",
    displayName: "Zed",
    password: "zed-password-123",
  });
  const approve = await call(node, "POST", `/api/members/${zed.body.id}/approve`, m.ben!.token);
  t.equal(approve.status, 403, "a member cannot approve");
  t.match(approve.body.detail, /coordinator elected by the members/);
  t.equal(
    (
      await call(node, "POST", "/api/shifts", m.ben!.token, {
        kind: "cleaning",
        title: "Hall",
        weekday: 1,
        startTime: "09:00",
        minutes: 60,
        size: 2,
      })
    ).status,
    403,
  );

  const v = await call(node, "POST", "/api/votes", m.ben!.token, {
    question: "Elect Ana?",
    subject: { kind: "elect", memberId: m.ana!.id },
  });
  for (const who of ["ana", "ben"])
    await call(node, "POST", `/api/votes/${v.body.id}/ballot`, m[who]!.token, { choice: "yes" });
  clock.advance(4 * DAY);
  await call(node, "POST", "/api/votes/close-due", m.ana!.token);
  t.equal(
    (await call(node, "POST", `/api/members/${zed.body.id}/approve`, m.ana!.token)).body.status,
    "active",
    "the coordinator can",
  );
  clock.advance(181 * DAY);
  t.equal((await call(node, "GET", "/api/me", m.ana!.token)).status, 401, "sessions last 30 days");
  const login = async (handle: string) =>
    (await call(node, "POST", "/api/sessions", undefined, { handle, password: `${handle}-password-123` })).body
      .token as string;
  const ana = await login("ana");
  t.equal((await call(node, "GET", "/api/me", ana)).body.role, "member", "after 180 days the term is over");
  t.equal((await call(node, "POST", "/api/invites", ana)).status, 403);

  const ben = await login("ben");
  t.equal((await call(node, "DELETE", "/api/sessions", ben)).status, 204);
  t.equal((await call(node, "GET", "/api/me", ben)).status, 401, "after logout the token no longer works");
  const logged = node.services.sqlite.prepare("SELECT action FROM refused_attempts ORDER BY id").all() as {
    action: string;
  }[];
  t.same(
    logged.map((l) => l.action),
    ["approve-member", "create-shift", "create-invite"],
  );
});
