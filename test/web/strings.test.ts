import t from "tap";
import { LANGUAGES } from "../../src/config.js";
import { createDriver } from "../../src/transport/drivers.js";
import { en, STRING_TABLES } from "../../src/web/strings.js";
import { buildTestApp } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

/** The shape of a table: every key path, with what sits there (a string, a function of n arguments, a list of n). */
function shape(value: unknown, path = ""): string[] {
  if (typeof value === "string") return [`${path}: string`];
  if (typeof value === "function") return [`${path}: function/${value.length}`];
  if (Array.isArray(value)) return [`${path}: list/${value.length}`];
  if (value && typeof value === "object")
    return Object.keys(value)
      .sort()
      .flatMap((k) => shape((value as Record<string, unknown>)[k], `${path}.${k}`));
  return [`${path}: ${typeof value}`];
}

/** Every text of a table, functions called with sample arguments. */
function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "function")
    return [
      String(
        (value as (...a: unknown[]) => unknown)(...Array.from({ length: value.length }, (_, i) => (i % 2 ? 3 : "X"))),
      ),
    ];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === "object") return Object.values(value).flatMap(texts);
  return [];
}

t.test("every language setting has a table with exactly the keys of en", async (t) => {
  t.same(Object.keys(STRING_TABLES).sort(), [...LANGUAGES].sort(), "one table per language the setting accepts");
  for (const [code, table] of Object.entries(STRING_TABLES)) {
    t.same(shape(table), shape(en), `${code}: same keys, same kinds, same arities`);
    t.equal(texts(table).filter((s) => s.trim() === "").length, 0, `${code}: no empty string`);
  }
});

t.test("the Spanish table is a translation, not a copy", async (t) => {
  const english = texts(en);
  const spanish = texts(STRING_TABLES.es);
  const same = spanish.filter((s, i) => s === english[i]);
  // Only strings that read the same in both languages (units, "Error 500"-like patterns) may repeat.
  t.ok(same.length <= 6, `at most a handful identical, got ${same.length}: ${same.join(" | ")}`);
  t.equal(STRING_TABLES.es.weekdays[0], "Lunes");
});

t.test("the pages speak the configured language and say so in <html lang>", async (t) => {
  const english = await buildTestApp(t);
  const login = await english.app.inject({ url: "/login", headers: { accept: "text/html" } });
  t.match(login.body, /<html lang="en">/);
  t.match(login.body, /<h1>Log in<\/h1>/);

  const spanish = await buildTestApp(t, { language: "es" });
  const entrar = await spanish.app.inject({ url: "/login", headers: { accept: "text/html" } });
  t.match(entrar.body, /<html lang="es">/);
  t.match(entrar.body, /<h1>Entrar<\/h1>/);
  t.match(entrar.body, /Saltar al contenido/);

  const { token } = createDriver(spanish.services.db, { name: "Lola", contact: "lola@example.org", vehicles: [] });
  const browser = new FormClient(spanish);
  await browser.login({ as: "driver", token });
  const form = await browser.get("/driver/routes/new");
  t.match(form.body, /<html lang="es">/);
  t.match(form.body, /<h1>Publicar una ruta<\/h1>/);
  t.match(form.body, /<legend>Paradas, en el orden del recorrido<\/legend>/);
  const refused = await browser.post("/driver/routes/new", {
    _csrf: await browser.csrf("/driver/routes/new"),
    name: "Ruta",
    stop1: "",
    vehicle: "",
  });
  t.equal(refused.statusCode, 400);
  t.match(refused.body, /La ruta no se ha publicado/);
  t.match(refused.body, /Elige al menos dos paradas\./, "the messages beside the fields are Spanish too");
});
