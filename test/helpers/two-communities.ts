import { type NodeProcess, startNode } from "./node-process.js";

/** Alpha (Milano) and Beta (Bologna) as real node processes: the pair the browser tests drive. */
export function startAlphaBeta(t: Parameters<typeof startNode>[0]): Promise<[NodeProcess, NodeProcess]> {
  return Promise.all([
    startNode(t, {
      handle: "alpha",
      name: "Alpha Cooperative",
      args: ["--location", "45.46,9.19", "--location-name", "Milano"],
    }),
    startNode(t, {
      handle: "beta",
      name: "Beta Commune",
      args: ["--location", "44.49,11.34", "--location-name", "Bologna"],
    }),
  ]);
}

/** POSTs with the admin token and returns the created object; anything but 201 fails the set-up loudly. */
export async function createdJson(node: NodeProcess, path: string, json: unknown) {
  const r = await node.api(path, { method: "POST", json });
  if (r.status !== 201) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * Dana, a driver of Alpha with an 800 kg van, publishes "Via Emilia" from
 * Alpha to Beta leaving tomorrow at 07:30 UTC. Returns her, the departure
 * time and the publishing response (for the test to check).
 */
export async function publishViaEmilia(a: NodeProcess, b: NodeProcess) {
  const driver = await createdJson(a, "/api/drivers", {
    name: "Dana",
    contact: "dana@example.org",
    vehicles: [{ name: "van", capacityKg: 800, capacityM3: 8, refrigerated: false }],
  });
  const departsAt = new Date(Date.now() + 86_400_000);
  departsAt.setUTCHours(7, 30, 0, 0);
  const route = await a.api("/api/driver/routes", {
    method: "POST",
    admin: false,
    headers: { authorization: `Bearer ${driver.token}` },
    json: {
      name: "Via Emilia",
      stops: [a.actorUrl, b.actorUrl],
      legs: [{ distanceKm: 215, durationMinutes: 150 }],
      capacityKg: 800,
      capacityM3: 8,
      departures: [{ at: departsAt.toISOString() }],
    },
  });
  return { driver, departsAt, route };
}
