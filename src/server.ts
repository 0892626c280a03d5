import "./lib/runtime-shims.js";
import closeWithGrace from "close-with-grace";
import { buildApp, StartupError } from "./app.js";
import { formatConfigErrors, loadConfig } from "./config.js";
import { createLogger, routeFedifyLogsTo } from "./logging.js";

const loaded = loadConfig(process.env, process.argv.slice(2));
if (!loaded.ok) {
  process.stderr.write(`${formatConfigErrors(loaded.errors)}\n`);
  process.exit(2);
}
const config = loaded.config;
const logger = createLogger(config.logLevel);
routeFedifyLogsTo(logger, config.logLevel);

let node: Awaited<ReturnType<typeof buildApp>>;
try {
  node = await buildApp(config, { logger });
} catch (error) {
  if (error instanceof StartupError) {
    process.stderr.write(`Tendril cannot start: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}

if (node.bootstrapToken) {
  // Printed once, on the first start; only its hash is stored.
  process.stdout.write(
    `\nAdmin token (shown once, keep it safe): ${node.bootstrapToken}\nUse it as: Authorization: Bearer <token>\n\n`,
  );
}

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, "shutting down after an error");
  else logger.info({ signal }, "shutting down");
  await node.app.close();
});

const address = await node.app.listen({ port: config.port, host: config.host });
node.startBackground();
logger.info({ address, origin: config.origin, actor: `${config.origin}/actors/${config.handle}` }, "Tendril node listening");
process.stdout.write(`Tendril node @${config.handle} listening on ${address} (public origin ${config.origin})\n`);
