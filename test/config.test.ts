import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import t from "tap";
import { formatConfigErrors, loadConfig } from "../src/config.js";

t.test("defaults give a node on localhost:3000 with data under ./data", async (t) => {
  const r = loadConfig({}, []);
  if (!r.ok) return t.fail(formatConfigErrors(r.errors));
  t.equal(r.config.port, 3000);
  t.equal(r.config.origin, "http://localhost:3000");
  t.match(r.config.dataDir, /\/data$/);
  t.equal(r.config.handle, "community");
  t.equal(r.config.dev, true, "a loopback origin allows loopback peers");
  t.equal(r.config.followPolicy, "auto");
  t.equal(r.config.plannerTimeLimit, 600, "a plan may take ten minutes");
  const shorter = loadConfig({ TENDRIL_PLANNER_TIME_LIMIT: "30" }, []);
  t.equal(shorter.ok && shorter.config.plannerTimeLimit, 30, "or as long as the operator says");
});

t.test("flags win over environment variables", async (t) => {
  const r = loadConfig({ TENDRIL_PORT: "4000", TENDRIL_HANDLE: "envname" }, ["--port", "5000", "--handle", "flagname"]);
  t.ok(r.ok);
  if (r.ok) {
    t.equal(r.config.port, 5000);
    t.equal(r.config.handle, "flagname");
    t.equal(r.config.origin, "http://localhost:5000", "the default origin follows the port");
  }
});

t.test("a public https origin turns dev mode off unless asked", async (t) => {
  const r = loadConfig({ TENDRIL_ORIGIN: "https://tendril.example.org" }, []);
  t.ok(r.ok && r.config.dev === false);
  const forced = loadConfig({ TENDRIL_ORIGIN: "https://tendril.example.org" }, ["--dev"]);
  t.ok(forced.ok && forced.config.dev === true);
  const off = loadConfig({}, ["--no-dev"]);
  t.ok(off.ok && off.config.dev === false);
});

t.test("location parses lat,lon with an optional place name", async (t) => {
  const r = loadConfig({ TENDRIL_LOCATION: "41.89, 12.49", TENDRIL_LOCATION_NAME: "Roma" }, []);
  t.ok(r.ok);
  if (r.ok) t.same(r.config.location, { lat: 41.89, lon: 12.49, name: "Roma" });
});

t.test("every bad setting is reported at once, each by the name the user wrote", async (t) => {
  const r = loadConfig(
    {
      TENDRIL_PORT: "70000",
      TENDRIL_ORIGIN: "ftp://x",
      TENDRIL_LOG_LEVEL: "loud",
      TENDRIL_LOCATION: "91,0",
      TENDRIL_DEV: "maybe",
      TENDRIL_BODY_LIMIT: "12",
    },
    ["--handle", "Not Valid", "--follow-policy", "sometimes"],
  );
  t.equal(r.ok, false);
  if (r.ok) return;
  const settings = r.errors.map((e) => e.setting).sort();
  t.same(settings, [
    "--follow-policy",
    "--handle",
    "TENDRIL_BODY_LIMIT",
    "TENDRIL_DEV",
    "TENDRIL_LOCATION",
    "TENDRIL_LOG_LEVEL",
    "TENDRIL_ORIGIN",
    "TENDRIL_PORT",
  ]);
  const text = formatConfigErrors(r.errors);
  t.match(text, /TENDRIL_PORT: must be a whole number from 0 to 65535, got "70000"/);
  t.match(text, /--handle: must be 1-32 lower-case letters/);
  t.match(text, /TENDRIL_LOCATION: latitude must be between -90 and 90/);
});

t.test("malformed values of each kind", async (t) => {
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{}, ["--port", "abc"], /--port: must be a whole number/],
    [{}, ["--origin", "https://x.org/path"], /--origin: must be scheme:\/\/host\[:port\] with no path/],
    [{}, ["--origin", "not a url"], /--origin: must be an absolute URL/],
    [{}, ["--location", "12"], /--location: must be "lat,lon"/],
    [{}, ["--location", "0,200"], /--location: longitude must be between -180 and 180/],
    [{}, ["--location-name", "Roma"], /--location-name: needs TENDRIL_LOCATION as well/],
    [{}, ["--handle", "instance"], /--handle: "instance" is reserved/],
    [{}, ["--name", ""], /--name: must be 1-200 characters/],
    [{}, ["--planner-time-limit", "0"], /--planner-time-limit: must be a whole number of seconds from 1 to 86400, got "0"/],
    [{ TENDRIL_PLANNER_TIME_LIMIT: "soon" }, [], /TENDRIL_PLANNER_TIME_LIMIT: must be a whole number of seconds/],
    [{}, ["--bogus"], /command line: Unknown option '--bogus'/],
    [{}, ["stray"], /command line: .*positional/i],
  ];
  for (const [env, argv, pattern] of cases) {
    const r = loadConfig(env, argv);
    t.equal(r.ok, false, `${argv.join(" ")} is refused`);
    if (!r.ok) t.match(formatConfigErrors(r.errors), pattern);
  }
});

t.test("language: en by default, es by flag or env, anything else named and refused with exit 2", async (t) => {
  const byDefault = loadConfig({}, []);
  t.equal(byDefault.ok && byDefault.config.language, "en");
  const flag = loadConfig({ TENDRIL_LANGUAGE: "en" }, ["--language", "es"]);
  t.equal(flag.ok && flag.config.language, "es", "the flag wins over the environment");
  const env = loadConfig({ TENDRIL_LANGUAGE: "es" }, []);
  t.equal(env.ok && env.config.language, "es");
  const bad = loadConfig({ TENDRIL_LANGUAGE: "klingon" }, []);
  t.same(bad.ok ? null : bad.errors, [
    { setting: "TENDRIL_LANGUAGE", message: 'must be one of en, es, got "klingon"' },
  ]);

  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", resolve(import.meta.dirname, "../src/server.ts"), "--language", "fr"],
    {
      cwd: resolve(import.meta.dirname, ".."),
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  t.equal(run.status, 2, "the process exits 2");
  t.match(run.stderr, /--language: must be one of en, es, got "fr"/);
  t.notMatch(run.stdout, /listening/);
});
