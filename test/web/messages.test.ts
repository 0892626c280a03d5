import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import t from "tap";
import ts from "typescript";
import { PROBLEM_TYPES } from "../../src/lib/problem.js";
import { localizeMessage } from "../../src/web/localize.js";
import { MESSAGES_ES } from "../../src/web/messages-es.js";

const SRC = resolve(import.meta.dirname, "../../src");
// The page texts have their own tables and test; the catalog is what is being checked.
const SKIP = /^web\/(strings[^/]*|messages-[^/]*)\.ts$/;

/**
 * Literals the scan finds that are no message for a person, each with why.
 * Anything else it finds must have a Spanish entry.
 */
const NOT_MESSAGES: Readonly<Record<string, string>> = {
  // Machine codes beside a message that is translated (`detail`, `message`).
  "digest-mismatch": "RoundCheck code; its detail is the text",
  "plan-mismatch": "RoundCheck code; its detail is the text",
  unreachable: "followActor code; its message is the text",
  "not-an-actor": "followActor code; its message is the text",
  self: "followActor code; its message is the text",
  // Data, not a message: hashed into the public ledger and shown as recorded.
  "first coordinators elected": "payload of the bootstrap-retired ledger entry",
};

/**
 * What a placeholder stands for when the sample is built: "1" unless the
 * message reads differently by value (a closed set of words) or the value is
 * a constant whose text the catalog matches.
 */
const SAMPLES: Readonly<Record<string, string>> = {
  kind: "offer",
  "spec.kind": "offer",
  party: "supplier",
  before: "segment 1",
  PLANNER_TIME_LIMIT_HINT: "--planner-time-limit or TENDRIL_PLANNER_TIME_LIMIT allows longer",
};

interface Found {
  readonly where: string;
  readonly sample: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** A string or template literal as a sample message, its `${…}` filled in; null for anything else. */
function sampleOf(node: ts.Node | undefined, file: ts.SourceFile): string | null {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (!ts.isTemplateExpression(node)) return null;
  return (
    node.head.text +
    node.templateSpans.map((s) => (SAMPLES[s.expression.getText(file)] ?? "1") + s.literal.text).join("")
  );
}

/**
 * Every message literal in `src/`: `reason:` and `detail:` properties, the
 * detail of `HttpProblem.of`, the reason of `HttpProblem.invalid` and of
 * `refuse`, and what is pushed onto a list of reasons.
 */
function messageLiterals(): Found[] {
  const found: Found[] = [];
  for (const path of sourceFiles(SRC)) {
    const rel = relative(SRC, path);
    if (SKIP.test(rel)) continue;
    const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      let literal: ts.Node | undefined;
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && ["reason", "detail"].includes(node.name.text))
        literal = node.initializer;
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(file);
        if (callee === "HttpProblem.of" || callee === "HttpProblem.invalid") literal = node.arguments[1];
        if (callee === "refuse") literal = node.arguments[4];
        if (/reasons\.push$/.test(callee)) literal = node.arguments[0];
      }
      const sample = sampleOf(literal, file);
      if (sample !== null) {
        const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
        found.push({ where: `${rel}:${line}`, sample });
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

/** How many catalog entries read this text: exactly one, or the order of the templates decides silently. */
function entriesFor(text: string): number {
  const exact = Object.hasOwn(MESSAGES_ES.exact, text) ? 1 : 0;
  return exact + MESSAGES_ES.templates.filter(([pattern]) => pattern.test(text)).length;
}

t.test("whole messages are translated, and only on Spanish pages", async (t) => {
  t.equal(localizeMessage("is already in the past", "es"), "ya ha pasado");
  t.equal(localizeMessage("The departure has already left.", "es"), "La salida ya ha partido.");
  t.equal(localizeMessage("is already in the past", "en"), "is already in the past", "English is left alone");
  t.equal(
    localizeMessage("something nobody wrote down", "es"),
    "something nobody wrote down",
    "unknown text as it came",
  );
  t.equal(localizeMessage("toString", "es"), "toString", "no key of Object.prototype passes for an entry");
  t.equal(localizeMessage("", "es"), "");
});

t.test("templates carry their values over unchanged", async (t) => {
  t.equal(
    localizeMessage("must be one of essential, important, ordinary", "es"),
    "tiene que ser una de estas opciones: essential, important, ordinary",
  );
  t.equal(localizeMessage("is longer than 200 characters", "es"), "tiene más de 200 caracteres");
  t.equal(localizeMessage('unknown time zone "Mars/Olympus"', "es"), 'zona horaria desconocida: "Mars/Olympus"');
  t.equal(
    localizeMessage("Not enough capacity left on this departure for 12.5 kg / 0.3 m³.", "es"),
    "No queda espacio suficiente en esta salida para 12.5 kg / 0.3 m³.",
  );
  t.equal(localizeMessage("No haul request 42", "es"), "No existe la solicitud de transporte 42");
  t.equal(localizeMessage("must be one of essential", "en"), "must be one of essential", "not in English");
});

t.test("status and kind words read in Spanish; other values stay", async (t) => {
  t.equal(localizeMessage("The exchange is in_transit.", "es"), "El intercambio está en camino.");
  t.equal(localizeMessage("This need is already withdrawn", "es"), "Esta necesidad ya está retirada");
  t.equal(localizeMessage("No offer with id 7", "es"), "No hay ninguna oferta con el id 7");
  t.equal(
    localizeMessage('"pick_up" is not possible while the haul is open', "es"),
    '"pick_up" no es posible mientras el transporte está abierto',
  );
  t.equal(
    localizeMessage("The receiver has already answered (accept).", "es"),
    "La comunidad que recibe ya ha respondido (ha aceptado).",
  );
  t.equal(localizeMessage("The exchange is weird.", "es"), "El intercambio está weird.", "an unknown status as it is");
});

t.test("a message inside a message is translated too", async (t) => {
  t.equal(
    localizeMessage("every driver asked declined; not asked again: the offer is down to 3", "es"),
    "todos los conductores a los que se pidió lo rechazaron; no se vuelve a pedir: a la oferta solo le quedan 3",
  );
  t.equal(
    localizeMessage("Segment 2: segment 1 is not delivered at Milano yet", "es"),
    "Segmento 2: el segmento 1 todavía no se ha entregado en Milano",
  );
  t.equal(
    localizeMessage(
      "this commitment needs the assembly's vote first (grain is an essential good; 50 kg of grain is above the threshold of 20)",
      "es",
    ),
    "este compromiso necesita antes el voto de la asamblea (grain es un bien imprescindible; 50 kg de grain supera el umbral de 20)",
  );
  t.equal(
    localizeMessage(
      "No known departure carries 5 kg from https://a.example to https://b.example within the window, nor does any chain of departures with hand-overs",
      "es",
    ),
    "Ninguna salida conocida lleva 5 kg de https://a.example a https://b.example dentro del plazo, ni ninguna cadena de salidas con relevos",
  );
  t.equal(
    localizeMessage(
      "the planner ran longer than its time limit of 60 s and was stopped (--planner-time-limit or TENDRIL_PLANNER_TIME_LIMIT allows longer)",
      "es",
    ),
    "el planificador superó su límite de tiempo de 60 s y se detuvo (--planner-time-limit o TENDRIL_PLANNER_TIME_LIMIT permiten más tiempo)",
  );
  t.equal(
    localizeMessage("chain broken: a thing nobody translated", "es"),
    "cadena rota: a thing nobody translated",
    "an unknown inner message stays as it came",
  );
});

t.test("messages that reach pages by other paths than the scanned shapes", async (t) => {
  // Thrown errors, constants and helper returns: the scan below does not see these, so they are listed here.
  const others = [
    "A planning round is already running on this node; wait for it to finish.",
    "the planner ran longer than its time limit of 60 s and was stopped",
    "planner failed: infeasible",
    "planner thread crashed: out of memory",
    "planner thread exited (code 1)",
    "planner stopped: a solve before this one ran past its time limit; try again",
    "no known departure could carry it",
    "the departure its driver had accepted was withdrawn",
    "its haul request was cancelled",
    "the haul request's window passed without a driver",
    "every driver asked declined",
    "the need was withdrawn",
    "the offer's window has passed",
    "the offer is down to 3",
    "segment 4",
    "the proposal's digest sha256:a does not match its round's inputs (sha256:b)",
    "http",
    "circuit-breaker-ttl",
  ];
  for (const text of others) t.not(localizeMessage(text, "es"), text, text);
});

t.test("every problem title has its Spanish (a problem without detail shows its title)", async (t) => {
  for (const { title } of Object.values(PROBLEM_TYPES)) t.not(localizeMessage(title, "es"), title, title);
});

t.test("every message literal in src/ has exactly one Spanish entry", async (t) => {
  const found = messageLiterals();
  t.ok(found.length > 200, `the scan finds the messages (${found.length}); a much lower count means it broke`);
  const missing = found.filter((f) => !Object.hasOwn(NOT_MESSAGES, f.sample) && entriesFor(f.sample) === 0);
  t.same(
    missing.map((f) => `${f.where}: ${f.sample}`),
    [],
    "add these to src/web/messages-es.ts (or, if no person ever reads one, to NOT_MESSAGES with why)",
  );
  const ambiguous = found.filter((f) => entriesFor(f.sample) > 1);
  t.same(
    ambiguous.map((f) => `${f.where}: ${f.sample}`),
    [],
    "no text is read by two entries",
  );
  const stale = Object.keys(NOT_MESSAGES).filter((k) => !found.some((f) => f.sample === k));
  t.same(stale, [], "every allow-listed literal is still in the source");
});

t.test("no Spanish entry is left as English", async (t) => {
  const same = Object.entries(MESSAGES_ES.exact).filter(([en, es]) => en === es);
  t.same(same, []);
});
