/**
 * `npm run demo`: four communities and two drivers as separate node
 * processes on 127.0.0.1, each with its own data under a temporary
 * directory. Seeds surplus, needs and routes, runs a planning round on B and
 * drives both proposals to received, printing each step with URLs to look
 * at. Ctrl-C stops every node.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, NodeProcess } from "./lib/node-process.js";

const root = mkdtempSync(join(tmpdir(), "tendril-demo-"));
const nodes: NodeProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log("\nStopping the nodes…");
    await Promise.all(nodes.map((n) => n.stop().catch(() => null)));
    rmSync(root, { recursive: true, force: true });
  }
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

const step = (n: number, text: string) => console.log(`\n[${n}] ${text}`);
const show = (label: string, url: string) => console.log(`    ${label.padEnd(28)} ${url}`);

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function json(node: NodeProcess, path: string, init: { method?: string; json?: unknown; token?: string } = {}): Promise<any> {
  const r = await node.api(path, init.token ? { ...init, admin: false, headers: { authorization: `Bearer ${init.token}` } } : init);
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(`${init.method ?? "GET"} ${node.origin}${path} → ${r.status} ${JSON.stringify(body)}`);
  return body;
}

async function main() {
  const specs = [
    { handle: "alpha", name: "Alpha (Milano)", location: "45.46,9.19" },
    { handle: "beta", name: "Beta (Bologna)", location: "44.49,11.34" },
    { handle: "gamma", name: "Gamma (Firenze)", location: "43.77,11.25" },
    { handle: "delta", name: "Delta (Genova)", location: "44.41,8.93" },
  ];
  step(1, "Starting four community nodes on 127.0.0.1 (each its own process and database)");
  for (const s of specs) {
    const node = new NodeProcess({ handle: s.handle, name: s.name, dataDir: join(root, s.handle), port: await freePort(), args: ["--location", s.location] });
    nodes.push(node);
  }
  await Promise.all(nodes.map((n) => n.start()));
  const [a, b, c, d] = nodes as [NodeProcess, NodeProcess, NodeProcess, NodeProcess];
  for (const n of nodes) show(n.handle, n.actorUrl);

  step(2, "Two drivers: Dana (home B) runs B → A → C, Ezio (home D) runs B → A → D, tomorrow 07:30");
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setUTCHours(7, 30, 0, 0);
  const driver = async (node: NodeProcess, name: string) =>
    json(node, "/api/drivers", { method: "POST", json: { name, contact: `${name.toLowerCase()}@example.org`, vehicles: [{ name: "van", capacityKg: 800, capacityM3: 20, refrigerated: false }] } });
  const dana = await driver(b, "Dana");
  const ezio = await driver(d, "Ezio");
  const route = (name: string, stops: string[], km: number[]) => ({
    name,
    stops,
    legs: km.map((k) => ({ distanceKm: k, durationMinutes: Math.round(k * 0.9) })),
    capacityKg: 800,
    capacityM3: 20,
    departures: [{ at: tomorrow.toISOString() }],
  });
  await json(b, "/api/driver/routes", { method: "POST", token: dana.token, json: route("Via Emilia", [b.actorUrl, a.actorUrl, c.actorUrl], [215, 300]) });
  await json(d, "/api/driver/routes", { method: "POST", token: ezio.token, json: route("Riviera", [b.actorUrl, a.actorUrl, d.actorUrl], [215, 150]) });
  show("Dana", dana.actor);
  show("Ezio", ezio.actor);
  for (const peer of [a, c, d]) await json(b, "/api/following", { method: "POST", json: { actor: peer.actorUrl } });

  step(3, "Surplus and needs: A offers 100 kg grain; C needs 60 kg (essential), D needs 30 kg");
  const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const place = (name: string) => ({ lat: 45, lon: 9, name });
  const offer = await json(a, "/api/offers", { method: "POST", json: { resource: "grain", quantity: 100, availableFrom: future(0), availableUntil: future(10), pickup: place("A's barn") } });
  const needC = await json(c, "/api/needs", { method: "POST", json: { resource: "grain", quantity: 60, priority: "essential", neededBy: future(10), delivery: place("C's kitchen") } });
  const needD = await json(d, "/api/needs", { method: "POST", json: { resource: "grain", quantity: 30, priority: "important", neededBy: future(10), delivery: place("D's school") } });
  show("A's offer", offer.url);
  show("C's need", needC.url);
  show("D's need", needD.url);
  await until("B to see the offers, needs and routes", async () => {
    const o = (await json(b, "/api/network/offers")).items.length;
    const n = (await json(b, "/api/network/needs")).items.length;
    const g = (await json(b, "/api/route-graph")).edges.length;
    return o === 1 && n === 2 && g === 4;
  });

  step(4, "B runs a planning round");
  const round = await json(b, "/api/rounds", { method: "POST", json: { answerSeconds: 3600 } });
  show("round (public)", round.url);
  show("verify it (public)", `${round.url}/verify`);
  console.log(`    digest ${round.digest}, planner ${round.plannerVersion}, ${round.exchanges.length} proposals`);
  const list = (await json(b, "/api/exchanges")).items as any[];
  const mine = list.filter((x) => round.exchanges.includes(x.uri));
  for (const x of mine) console.log(`    proposal ${x.id}: ${x.proposal.quantity} ${x.unit} ${x.supplier} → ${x.receiver}, legs ${x.proposal.legs.map((l: any) => l.id).join(", ")}`);
  const verified = await json(c, "/api/rounds/verify", { method: "POST", json: { url: round.url } });
  console.log(`    C recomputes B's round: ${verified.ok ? "same plan" : `MISMATCH ${verified.detail}`}`);

  step(5, "Negotiation: A accepts both (reserving 90 kg); C accepts all, D accepts only 20 kg");
  const toC = mine.find((x) => x.receiver === c.actorUrl);
  const toD = mine.find((x) => x.receiver === d.actorUrl);
  for (const [node, x] of [[a, toC], [a, toD], [c, toC], [d, toD]] as const) {
    if (!x) continue;
    await until(`${node.handle} to have ${x.id}`, async () => (await json(node, "/api/exchanges")).items.some((e: any) => e.id === x.id));
  }
  if (toC) await json(a, `/api/exchanges/${toC.id}/accept`, { method: "POST", json: {} });
  if (toD) await json(a, `/api/exchanges/${toD.id}/accept`, { method: "POST", json: {} });
  if (toC) await json(c, `/api/exchanges/${toC.id}/accept`, { method: "POST", json: {} });
  if (toD) await json(d, `/api/exchanges/${toD.id}/accept`, { method: "POST", json: { quantity: 20 } });
  for (const x of [toC, toD].filter(Boolean)) {
    const v = await until("the agreement", async () => {
      const e = await json(b, `/api/exchanges/${x.id}`);
      return e.status === "agreed" ? e : null;
    });
    console.log(`    ${x.id}: agreed ${v.agreedQuantity} ${x.unit}; haul requests sent to the drivers`);
  }

  step(6, "Haul: each driver accepts, picks up at A, delivers");
  const carry = async (home: NodeProcess, token: string, x: any, quantity: number) => {
    const haul = await until("the haul request", async () => (await json(home, "/api/driver/hauls", { token })).open.find((h: any) => h.reason === x.uri));
    await json(home, `/api/driver/hauls/${haul.id}/accept`, { method: "POST", token, json: { departure: haul.fits[0].departure } });
    console.log(`    ${x.id}: haul accepted on ${haul.fits[0].departure}`);
    await json(home, `/api/driver/hauls/${haul.id}/picked-up`, { method: "POST", token, json: { quantity } });
    console.log(`    ${x.id}: picked up ${quantity}`);
    await json(home, `/api/driver/hauls/${haul.id}/delivered`, { method: "POST", token, json: { quantity } });
    console.log(`    ${x.id}: delivered ${quantity}`);
  };
  if (toC) await carry(b, dana.token, toC, 60);
  if (toD) await carry(d, ezio.token, toD, 20);

  step(7, "Receipt: C and D confirm what arrived (C counts 58 kg: the shortfall is recorded)");
  const receive = async (node: NodeProcess, x: any, quantity: number) => {
    await until(`${node.handle} to see the delivery`, async () => (await json(node, `/api/exchanges/${x.id}`)).status === "delivered");
    await json(node, `/api/exchanges/${x.id}/receive`, { method: "POST", json: { quantity } });
  };
  if (toC) await receive(c, toC, 58);
  if (toD) await receive(d, toD, 20);
  for (const x of [toC, toD].filter(Boolean)) {
    for (const node of nodes) {
      const v = await until(`${node.handle} to hear of the receipt`, async () => {
        const e = await json(node, "/api/exchanges").then((l) => l.items.find((e: any) => e.id === x.id));
        return e === undefined ? { absent: true } : e.status === "received" ? e : null;
      }).catch(() => null);
      if (v && !v.absent) console.log(`    ${node.handle.padEnd(6)} sees ${x.id}: ${v.status}, agreed ${v.agreedQuantity}, received ${v.received}, shortfall ${v.shortfall}`);
    }
  }
  await until("A's offer to be republished", async () => (await json(a, `/api/offers/${offer.id}`)).quantity === 20);
  console.log(`    A's offer is now ${(await json(a, `/api/offers/${offer.id}`)).quantity} kg (history: ${a.origin}/api/offers/${offer.id}/history)`);
  console.log(`    C's need is now ${(await json(c, `/api/needs/${needC.id}`)).quantity} kg, D's ${(await json(d, `/api/needs/${needD.id}`)).quantity} kg`);

  step(8, "Look around (admin token in brackets; Ctrl-C stops every node)");
  for (const n of nodes) {
    show(`${n.handle} exchanges`, `${n.origin}/api/exchanges   [Bearer ${n.token}]`);
    show(`${n.handle} ledger`, `${n.origin}/ledger`);
  }
  show("the round", round.url);
  await new Promise(() => undefined);
}

main().catch(async (err: unknown) => {
  console.error(err);
  for (const n of nodes) if (n.output.includes("rror")) console.error(`--- ${n.handle} ---\n${n.output.slice(-2000)}`);
  await stopAll(1);
});
