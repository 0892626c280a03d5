import { AsyncLocalStorage } from "node:async_hooks";
import { configureSync, type LogRecord, resetSync } from "@logtape/logtape";
import pino, { type Logger } from "pino";
import type { LogLevel } from "./config.js";

/** The node's one logger; pretty only when a person is watching a terminal. */
export function createLogger(level: LogLevel, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  return pino({
    level,
    redact: { paths: ["req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
    ...(pretty ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss" } } } : {}),
  });
}

const LOGTAPE_TO_PINO = {
  trace: "trace",
  debug: "debug",
  info: "info",
  warning: "warn",
  error: "error",
  fatal: "fatal",
} as const;

/** Renders a LogTape message (alternating text and values) as one line. */
function renderMessage(record: LogRecord): string {
  return record.message.map((part, i) => (i % 2 === 0 ? String(part) : JSON.stringify(part))).join("");
}

/**
 * Routes Fedify's LogTape records into pino so a node writes one log stream.
 * Property values are kept except anything that looks like a message body,
 * which for outgoing deliveries carries private keys.
 */
export function routeFedifyLogsTo(logger: Logger, level: LogLevel): void {
  const sink = (record: LogRecord) => {
    const { message: _body, activity: _activity, ...props } = record.properties;
    logger[LOGTAPE_TO_PINO[record.level]]({ category: record.category.join("."), ...props }, renderMessage(record));
  };
  const lowest = level === "silent" ? "fatal" : level === "warn" ? "warning" : level;
  resetSync();
  configureSync({
    sinks: { pino: sink },
    contextLocalStorage: new AsyncLocalStorage(),
    loggers: [
      { category: ["fedify"], sinks: ["pino"], lowestLevel: lowest },
      // Fastify already logs every request; Fedify's own request lines would double them.
      { category: ["fedify", "federation", "http"], sinks: ["pino"], lowestLevel: "warning", parentSinks: "override" },
      { category: ["logtape", "meta"], sinks: ["pino"], lowestLevel: "warning" },
    ],
  });
}
