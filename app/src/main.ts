/**
 * The app's entry point (`node dist/app/src/main.js`): reads the app environment contract
 * (`components/spec/appEnv.ts`), serves, and drains on SIGTERM. A bad environment prints every
 * problem and exits 1. Logs a JSON line with `"msg":"listening"` once the HTTP server listens.
 */
import { AppEnvError, parseAppEnv } from "../../components/spec/appEnv";
import { createFleetServer } from "./server";
import { exitOnSignals } from "./shutdown";

function main(): void {
  let config;
  try {
    config = parseAppEnv(process.env);
  } catch (err) {
    if (!(err instanceof AppEnvError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const fleet = createFleetServer(config);
  exitOnSignals(() => fleet.close(), fleet.logger);
  fleet.listen().catch((err: Error) => {
    fleet.logger.fatal({ err: err.message }, "cannot listen");
    process.exit(1);
  });
}

main();
