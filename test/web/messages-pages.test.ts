import t from "tap";
import { writePolicy } from "../../src/community/policy-store.js";
import { addEvent, insertExchange } from "../../src/exchange/store.js";
import { PLANNER_VERSION } from "../../src/planning/index.js";
import type { Web } from "../../src/web/context.js";
import type { ExchangeView } from "../../src/web/exchange-view.js";
import { exchangeSections } from "../../src/web/pages-exchange.js";
import { STRING_TABLES } from "../../src/web/strings.js";
import { buildTestApp, type TestNode } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

const PAST = "2020-01-01";
const SOON = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
const place = { lat: "45.46", lon: "9.19", placeName: "Milano" };

async function dashboard(node: TestNode) {
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  return { admin, csrf: await admin.csrf("/admin") };
}

const apiNeed = (node: TestNode, body: Record<string, unknown>) =>
  node.app.inject({
    method: "POST",
    url: "/api/needs",
    headers: { ...node.auth, "content-type": "application/json" },
    payload: JSON.stringify({ priority: "essential", delivery: { lat: 45.46, lon: 9.19, name: "Milano" }, ...body }),
  });

/** The dashboard's need form, posted with these fields changed. */
const formNeed = (admin: FormClient, csrf: string, fields: Record<string, string>) =>
  admin.post("/admin/needs", {
    _csrf: csrf,
    resource: "grain",
    quantity: "40",
    priority: "essential",
    neededBy: SOON,
    ...place,
    ...fields,
  });

t.test("a Spanish page shows the domain's refusals in Spanish; the API keeps them English", async (t) => {
  const node = await buildTestApp(t, { language: "es" });
  const { admin, csrf } = await dashboard(node);

  const past = await formNeed(admin, csrf, { neededBy: PAST });
  t.equal(past.statusCode, 400);
  t.match(past.body, /<html lang="es">/);
  t.match(past.body, /<h1>Revisa el formulario<\/h1>/);
  t.match(
    past.body,
    /<li><strong>neededBy<\/strong>: ya ha pasado<\/li>/,
    "the field keeps its name; its reason is Spanish",
  );
  t.notMatch(past.body, /already in the past/);

  const api = await apiNeed(node, { resource: "grain", quantity: 40, neededBy: `${PAST}T23:59:59Z` });
  t.equal(api.statusCode, 400);
  t.match(api.headers["content-type"], /application\/problem\+json/);
  t.same(api.json().errors, [{ name: "neededBy", reason: "is already in the past" }], "the API's reason is English");
  t.equal(api.json().detail, "neededBy: is already in the past");

  const unknown = await formNeed(admin, csrf, { resource: "turnips" });
  t.equal(unknown.statusCode, 400);
  t.match(
    unknown.body,
    /<strong>resource<\/strong>: &quot;turnips&quot; no es un tipo de recurso conocido \(consulta GET \/api\/resources\)/,
    "a templated reason keeps its value",
  );
  const unknownApi = await apiNeed(node, { resource: "turnips", quantity: 40, neededBy: `${SOON}T23:59:59Z` });
  t.match(unknownApi.json().errors?.[0]?.reason, /^"turnips" is not a known resource kind/);

  const created = await apiNeed(node, { resource: "grain", quantity: 40, neededBy: `${SOON}T23:59:59Z` });
  const { id } = created.json() as { id: string };
  t.equal((await admin.post(`/admin/needs/${id}/withdraw`, { _csrf: csrf })).statusCode, 303);
  const again = await admin.post(`/admin/needs/${id}/withdraw`, { _csrf: csrf });
  t.equal(again.statusCode, 409);
  t.match(again.body, /<p>Esta necesidad ya está retirada<\/p>/, "a problem's detail is Spanish too");
  const againApi = await node.app.inject({ method: "DELETE", url: `/api/needs/${id}`, headers: node.auth });
  t.equal(againApi.statusCode, 409);
  t.equal(againApi.json().detail, "This need is already withdrawn");
});

t.test("an English page shows the same refusal as the domain wrote it", async (t) => {
  const node = await buildTestApp(t);
  const { admin, csrf } = await dashboard(node);
  const past = await formNeed(admin, csrf, { neededBy: PAST });
  t.equal(past.statusCode, 400);
  t.match(past.body, /<li><strong>neededBy<\/strong>: is already in the past<\/li>/);
});

/** A proposal this node received as the supplier of grain, its round on this node (so no fetch leaves the machine). */
function seedProposal(node: TestNode, id: string) {
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const other = "http://127.0.0.1:9/never/actors/other";
  const uri = `${config.origin}/exchanges/${id}`;
  insertExchange(db, {
    uri,
    roundUri: `${config.origin}/rounds/none`,
    proposer: other,
    supplier: self,
    receiver: other,
    offerUri: `${uri}#offer`,
    needUri: `${uri}#need`,
    unit: "kg",
    kgPerUnit: 1,
    partiesJson: "[]",
  });
  addEvent(db, uri, other, {
    id: `${uri}#proposed`,
    at: new Date().toISOString(),
    kind: "proposed",
    proposal: {
      supplier: self,
      receiver: other,
      resource: `${config.origin}/resources/grain`,
      quantity: 50,
      legs: [],
      deadline: new Date(Date.now() + 86_400_000).toISOString(),
      digest: "sha256:x",
      plannerVersion: PLANNER_VERSION,
    },
  });
}

t.test("the reasons a commitment goes to the assembly are listed in Spanish", async (t) => {
  const node = await buildTestApp(t, { language: "es" });
  const { config, db } = node.services;
  seedProposal(node, "vote");
  writePolicy(db, { essentialResources: [`${config.origin}/resources/grain`], ratificationThresholds: { "*": 20 } });
  const { admin, csrf } = await dashboard(node);
  const asked = await admin.post("/admin/exchanges/vote/answer", { _csrf: csrf, answer: "accept" });
  t.equal(asked.statusCode, 202);
  const grain = `${config.origin}/resources/grain`.replaceAll(/[/.]/g, "\\$&");
  t.match(asked.body, new RegExp(`<li>${grain} es un bien imprescindible</li>`));
  t.match(asked.body, new RegExp(`<li>50 kg de ${grain} supera el umbral de 20</li>`));
});

t.test("the dashboard's exchange sections read plan checks, unserved legs and round failures in Spanish", async (t) => {
  const view: ExchangeView = {
    proposalsAwaitingAnswer: () => [
      {
        id: "p1",
        answerPath: null,
        resource: "grain",
        quantity: 60,
        unit: "kg",
        from: "A",
        to: "B",
        legs: [],
        verify: "mismatch",
        verifyDetail: "the recomputed plan differs from the published one",
        deadline: null,
      },
    ],
    agreementsInFlight: () => [
      {
        id: "g1",
        resource: "grain",
        quantity: 10,
        unit: "kg",
        from: "A",
        to: "B",
        status: "agreed",
        shortfall: 0,
        legs: [
          {
            from: "A",
            to: "B",
            driver: null,
            departsAt: null,
            attempts: 1,
            unserved: "every driver asked declined; waiting for a departure that fits",
          },
        ],
      },
    ],
    planningRound: () => ({
      running: false,
      progress: null,
      startedAt: 1,
      finishedAt: 2,
      startPath: null,
      failure:
        "the planner ran longer than its time limit of 60 s and was stopped; nothing was proposed (--planner-time-limit or TENDRIL_PLANNER_TIME_LIMIT allows longer)",
    }),
  };
  const web = { t: STRING_TABLES.es, lang: "es", exchange: view } as unknown as Web;
  const out = exchangeSections(web, "tok").value;
  t.match(
    out,
    /NO coincide con nuestro propio cálculo<\/strong> <span class="muted">\(el plan recalculado no coincide con el publicado\)<\/span>/,
  );
  t.match(
    out,
    /⚠ Nadie lleva este tramo:<\/strong> todos los conductores a los que se pidió lo rechazaron; esperando una salida que encaje<\/p>/,
  );
  t.match(
    out,
    /La última ronda de planificación falló: el planificador superó su límite de tiempo de 60 s y se detuvo; no se propuso nada \(--planner-time-limit o TENDRIL_PLANNER_TIME_LIMIT permiten más tiempo\)<\/p>/,
  );
});
