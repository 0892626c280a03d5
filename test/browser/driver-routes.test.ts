import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import t from "tap";
import { launchChromium, logInDriver, phonePage, requireChromium } from "../helpers/browser.js";
import { eventually, startNode } from "../helpers/node-process.js";

// Real nodes and a browser on a loaded 2-core machine: allow up to 10 minutes.
t.setTimeout(600_000);

const ARTIFACTS = join(resolve(import.meta.dirname, "../.."), "test-artifacts");

t.test("a driver on a phone publishes a route through the form and sees its room; Beta gets the route", async (t) => {
  requireChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const [a, b] = await Promise.all([
    startNode(t, { handle: "alpha", name: "Alpha Cooperative", args: ["--location", "45.46,9.19"] }),
    startNode(t, { handle: "beta", name: "Beta Commune", args: ["--location", "44.49,11.34"] }),
  ]);
  // Alpha knows Beta by following it; its driver has a van.
  t.equal((await a.api("/api/following", { method: "POST", json: { actor: b.actorUrl } })).status, 202);
  const created = await a.api("/api/drivers", {
    method: "POST",
    json: {
      name: "Dana",
      contact: "dana@example.org",
      vehicles: [{ name: "van", capacityKg: 800, capacityM3: 8, refrigerated: false }],
    },
  });
  const driver = (await created.json()) as { token: string };

  const browser = await launchChromium(t);
  const { page } = await phonePage(browser);
  await logInDriver(page, a.origin, driver.token);
  await page.getByRole("link", { name: "Publish a route" }).click();
  await page.waitForURL(/\/driver\/routes\/new$/);

  const form = page.getByRole("form", { name: "Publish a route" });
  await form.getByLabel("Route name").fill("Milk run");
  t.equal(
    await page.getByRole("group", { name: "Stop 1" }).getByLabel("Community").inputValue(),
    a.actorUrl,
    "our community is the first stop already",
  );
  const departs = new Date(Date.now() + 2 * 86_400_000);
  departs.setUTCHours(6, 45, 0, 0);
  await form.getByLabel("Single departure (date and time)").fill(departs.toISOString().slice(0, 16));

  // Forgetting the second stop: the form comes back with the message beside it, the values kept.
  await form.getByRole("button", { name: "Publish route" }).click();
  await page.waitForLoadState();
  t.match(await page.getByRole("alert").textContent(), /The route was not published.*Choose at least two stops\./s);
  t.equal(await form.getByLabel("Route name").inputValue(), "Milk run", "the name is kept");
  await page.screenshot({ path: join(ARTIFACTS, "driver-route-form.png"), fullPage: true });

  const stop2 = page.getByRole("group", { name: "Stop 2" });
  await stop2.getByLabel("Community").selectOption({ label: "Beta Commune" });
  await stop2.getByLabel("Distance from the previous stop (km)").fill("215");
  await stop2.getByLabel("Driving time from the previous stop (minutes)").fill("150");
  t.match(
    await form.getByLabel("Vehicle", { exact: true }).locator("option:checked").textContent(),
    /van \(800 kg, 8 m³\)/,
    "the van is chosen",
  );
  await form.getByRole("button", { name: "Publish route" }).click();
  await page.waitForURL(/\/driver\?done=routePublished/);
  t.match(await page.getByRole("status").textContent(), /The route is published/);

  const card = page.locator("article", { hasText: "Milk run" });
  t.match(await card.textContent(), /Alpha Cooperative → Beta Commune/);
  t.match(
    await card.locator("tbody tr").first().textContent(),
    /Alpha Cooperative → Beta Commune: 800 \/ 800 kg/,
    "its room left on the first departure",
  );
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  t.ok(width <= 390, `the page fits the phone's width (${width}px)`);
  await page.screenshot({ path: join(ARTIFACTS, "driver-route-published.png"), fullPage: true });

  // Published as through the API: Beta has it in its route graph.
  const edge = await eventually(async () => {
    const graph = await b.getJson<{ edges: { from: string; to: string; capacityKg: number; departsAt: string }[] }>(
      "/api/route-graph",
    );
    return graph.edges.find((e) => e.from === a.actorUrl && e.to === b.actorUrl);
  }, "Beta to receive the route");
  t.equal(edge?.capacityKg, 800);
  t.equal(edge?.departsAt, departs.toISOString());
});
