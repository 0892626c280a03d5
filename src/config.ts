import { resolve } from "node:path";
import { parseArgs } from "node:util";

/**
 * The node's settings. This module is the only reader of `process.env` and
 * argv: everything else receives a frozen Config.
 */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Public origin (scheme://host[:port]) under which actors and objects are named. */
  readonly origin: string;
  readonly dataDir: string;
  readonly handle: string;
  readonly name: string;
  readonly summary: string;
  readonly location: { readonly lat: number; readonly lon: number; readonly name: string } | null;
  readonly logLevel: LogLevel;
  /** Lets the node talk to loopback/private peers; on for loopback origins, off otherwise. */
  readonly dev: boolean;
  readonly followPolicy: FollowPolicy;
  /** Honour X-Forwarded-* (only behind a reverse proxy you run). */
  readonly trustProxy: boolean;
  /** Largest accepted request body, bytes. */
  readonly bodyLimit: number;
  /** Follow the other communities on a driver's route that names us (the network grows along the roads). */
  readonly followRoutePeers: boolean;
  /** The language of the web pages (their string table, and `<html lang>`). */
  readonly language: Language;
  /**
   * Longest a plan may take to compute (a planning round, or recomputing a
   * published round to check it), in seconds; past it the solve is stopped.
   */
  readonly plannerTimeLimit: number;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const FOLLOW_POLICIES = ["auto", "manual"] as const;
export type FollowPolicy = (typeof FOLLOW_POLICIES)[number];
/** Languages the web pages ship in; `src/web/strings.ts` has one table per code (the compiler checks both lists agree). */
export const LANGUAGES = ["en", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

export interface ConfigError {
  /** The setting's name as the user wrote it: the env variable or the flag. */
  readonly setting: string;
  readonly message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: ConfigError[] };

/** One setting: its env variable, its flag, and how to read it. */
interface Setting {
  readonly env: string;
  readonly flag: string;
  readonly boolean?: boolean;
  readonly help: string;
}

export const SETTINGS = {
  port: { env: "TENDRIL_PORT", flag: "port", help: "TCP port to listen on (default 3000)" },
  host: { env: "TENDRIL_HOST", flag: "host", help: "Interface to bind (default localhost)" },
  origin: { env: "TENDRIL_ORIGIN", flag: "origin", help: "Public origin, e.g. https://tendril.example.org (default http://localhost:PORT)" },
  dataDir: { env: "TENDRIL_DATA_DIR", flag: "data-dir", help: "Directory for the SQLite database (default ./data)" },
  handle: { env: "TENDRIL_HANDLE", flag: "handle", help: "The community's handle: lower-case letters, digits, _ (default community)" },
  name: { env: "TENDRIL_NAME", flag: "name", help: "Display name of the community" },
  summary: { env: "TENDRIL_SUMMARY", flag: "summary", help: "One-paragraph description of the community" },
  location: { env: "TENDRIL_LOCATION", flag: "location", help: "lat,lon of the community, e.g. 41.89,12.49" },
  locationName: { env: "TENDRIL_LOCATION_NAME", flag: "location-name", help: "Place name shown with the location" },
  logLevel: { env: "TENDRIL_LOG_LEVEL", flag: "log-level", help: `One of ${LOG_LEVELS.join(", ")} (default info)` },
  dev: { env: "TENDRIL_DEV", flag: "dev", boolean: true, help: "Allow loopback/private peers (default: on for a loopback origin)" },
  followPolicy: { env: "TENDRIL_FOLLOW_POLICY", flag: "follow-policy", help: "auto: accept followers at once; manual: an admin approves each (default auto)" },
  trustProxy: { env: "TENDRIL_TRUST_PROXY", flag: "trust-proxy", boolean: true, help: "Honour X-Forwarded-* headers (default false)" },
  followRoutePeers: { env: "TENDRIL_FOLLOW_ROUTE_PEERS", flag: "follow-route-peers", boolean: true, help: "Follow communities joined to us by a driver's route (default true)" },
  language: { env: "TENDRIL_LANGUAGE", flag: "language", help: `Language of the web pages: ${LANGUAGES.join(", ")} (default en)` },
  bodyLimit: { env: "TENDRIL_BODY_LIMIT", flag: "body-limit", help: "Largest request body in bytes (default 262144)" },
  plannerTimeLimit: { env: "TENDRIL_PLANNER_TIME_LIMIT", flag: "planner-time-limit", help: "Seconds a plan may take to compute before it is stopped (default 600)" },
} as const satisfies Record<string, Setting>;

type SettingKey = keyof typeof SETTINGS;

const HANDLE_PATTERN = /^[a-z0-9_]{1,32}$/;
const RESERVED_HANDLES = new Set(["instance"]);
const TRUE_WORDS = new Set(["1", "true", "yes", "on"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off"]);

/**
 * Reads settings from flags (which win) and environment variables, and
 * reports every bad one at once, each by the name the user wrote.
 */
export function loadConfig(env: Record<string, string | undefined>, argv: readonly string[]): ConfigResult {
  const errors: ConfigError[] = [];
  const raw = readRaw(env, argv, errors);
  const label = (key: SettingKey) => raw.from[key] ?? SETTINGS[key].env;
  const fail = (key: SettingKey, message: string) => errors.push({ setting: label(key), message });

  const port = parseInteger(raw.values.port ?? "3000", 0, 65535);
  if (port === null) fail("port", `must be a whole number from 0 to 65535, got "${raw.values.port}"`);

  const host = raw.values.host ?? "localhost";
  if (host.trim() === "") fail("host", "must not be empty");

  let origin = `http://localhost:${port ?? 3000}`;
  if (raw.values.origin !== undefined) {
    const parsed = parseOrigin(raw.values.origin);
    if (typeof parsed === "string") origin = parsed;
    else fail("origin", parsed.error);
  }

  const dataDir = resolve(raw.values.dataDir ?? "./data");

  const handle = raw.values.handle ?? "community";
  if (!HANDLE_PATTERN.test(handle)) fail("handle", `must be 1-32 lower-case letters, digits or _, got "${handle}"`);
  else if (RESERVED_HANDLES.has(handle)) fail("handle", `"${handle}" is reserved`);

  const name = raw.values.name ?? "Tendril community";
  if (name.trim() === "" || name.length > 200) fail("name", "must be 1-200 characters");
  const summary = raw.values.summary ?? "";
  if (summary.length > 5000) fail("summary", "must be at most 5000 characters");

  let location: Config["location"] = null;
  if (raw.values.location !== undefined) {
    const parsed = parseLatLon(raw.values.location);
    if (typeof parsed === "string") fail("location", parsed);
    else location = { ...parsed, name: raw.values.locationName ?? "" };
  } else if (raw.values.locationName !== undefined) {
    fail("locationName", `needs ${label("location")} as well`);
  }

  const logLevel = raw.values.logLevel ?? "info";
  if (!isOneOf(LOG_LEVELS, logLevel)) fail("logLevel", `must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);

  const followPolicy = raw.values.followPolicy ?? "auto";
  if (!isOneOf(FOLLOW_POLICIES, followPolicy)) fail("followPolicy", `must be auto or manual, got "${followPolicy}"`);

  const dev = readBoolean(raw.values.dev, isLoopbackOrigin(origin), (m) => fail("dev", m));
  const trustProxy = readBoolean(raw.values.trustProxy, false, (m) => fail("trustProxy", m));
  const followRoutePeers = readBoolean(raw.values.followRoutePeers, true, (m) => fail("followRoutePeers", m));

  const bodyLimit = parseInteger(raw.values.bodyLimit ?? "262144", 1024, 64 * 1024 * 1024);
  if (bodyLimit === null) fail("bodyLimit", `must be a whole number of bytes from 1024 to 67108864, got "${raw.values.bodyLimit}"`);

  const plannerTimeLimit = parseInteger(raw.values.plannerTimeLimit ?? "600", 1, 86_400);
  if (plannerTimeLimit === null) fail("plannerTimeLimit", `must be a whole number of seconds from 1 to 86400, got "${raw.values.plannerTimeLimit}"`);

  const language = raw.values.language ?? "en";
  if (!isOneOf(LANGUAGES, language)) fail("language", `must be one of ${LANGUAGES.join(", ")}, got "${language}"`);

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: Object.freeze({
      port: port as number,
      host,
      origin,
      dataDir,
      handle,
      name,
      summary,
      location,
      logLevel: logLevel as LogLevel,
      dev,
      followPolicy: followPolicy as FollowPolicy,
      trustProxy,
      bodyLimit: bodyLimit as number,
      followRoutePeers,
      language: language as Language,
      plannerTimeLimit: plannerTimeLimit as number,
    }),
  };
}

export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return ["Tendril cannot start; fix these settings:", ...errors.map((e) => `  ${e.setting}: ${e.message}`)].join("\n");
}

interface RawSettings {
  values: Partial<Record<SettingKey, string>>;
  /** Which name each value came from (`--port` or `TENDRIL_PORT`), for error messages. */
  from: Partial<Record<SettingKey, string>>;
}

function readRaw(env: Record<string, string | undefined>, argv: readonly string[], errors: ConfigError[]): RawSettings {
  const out: RawSettings = { values: {}, from: {} };
  const keys = Object.keys(SETTINGS) as SettingKey[];
  for (const key of keys) {
    const v = env[SETTINGS[key].env];
    if (v !== undefined && v !== "") {
      out.values[key] = v;
      out.from[key] = SETTINGS[key].env;
    }
  }
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const key of keys) {
    const s: Setting = SETTINGS[key];
    options[s.flag] = { type: s.boolean ? "boolean" : "string" };
    if (s.boolean) options[`no-${s.flag}`] = { type: "boolean" };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (err) {
    errors.push({ setting: "command line", message: (err as Error).message });
    return out;
  }
  for (const key of keys) {
    const s: Setting = SETTINGS[key];
    const v = parsed.values[s.flag];
    if (s.boolean) {
      if (v === true) out.values[key] = "true";
      if (parsed.values[`no-${s.flag}`] === true) out.values[key] = "false";
      if (v === true || parsed.values[`no-${s.flag}`] === true) out.from[key] = `--${s.flag}`;
    } else if (typeof v === "string") {
      out.values[key] = v;
      out.from[key] = `--${s.flag}`;
    }
  }
  return out;
}

function parseInteger(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

function parseOrigin(text: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `must be an absolute URL like https://tendril.example.org, got "${text}"` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { error: "must use http or https" };
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "") {
    return { error: "must be scheme://host[:port] with no path, query or credentials" };
  }
  return url.origin;
}

function parseLatLon(text: string): { lat: number; lon: number } | string {
  const parts = text.split(",").map((p) => p.trim());
  const [lat, lon] = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === "") || lat === undefined || lon === undefined) {
    return `must be "lat,lon", e.g. 41.89,12.49; got "${text}"`;
  }
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) return `latitude must be between -90 and 90, got "${parts[0]}"`;
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) return `longitude must be between -180 and 180, got "${parts[1]}"`;
  return { lat, lon };
}

function readBoolean(text: string | undefined, fallback: boolean, fail: (m: string) => void): boolean {
  if (text === undefined) return fallback;
  const t = text.toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  fail(`must be true or false, got "${text}"`);
  return fallback;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

export function isLoopbackOrigin(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
