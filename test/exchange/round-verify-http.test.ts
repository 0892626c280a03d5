import t from "tap";
import { buildTestApp, startRound } from "../helpers/test-app.js";

t.test("GET /rounds/:id/verify recomputes a published round and answers every caller alike", async (t) => {
  const node = await buildTestApp(t);
  const started = await startRound(node);
  t.equal(started.statusCode, 201, started.body);
  const id = started.json().id as string;
  const answers = await Promise.all([1, 2, 3].map(() => node.app.inject({ url: `/rounds/${id}/verify` })));
  for (const a of answers) t.equal(a.statusCode, 200);
  t.match(answers[0]!.json(), { round: started.json().url, ok: true, plannerVersion: started.json().plannerVersion });
  t.same(
    answers.map((a) => a.json()),
    [answers[0]!.json(), answers[0]!.json(), answers[0]!.json()],
    "concurrent callers share one recomputation",
  );
  t.same((await node.app.inject({ url: `/rounds/${id}/verify` })).json(), answers[0]!.json(), "and a later caller gets the kept result");
  t.equal((await node.app.inject({ url: "/rounds/00000000-0000-0000-0000-000000000000/verify" })).statusCode, 404);
});
