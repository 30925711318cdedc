/**
 * The app's entry point (`node dist/app/src/main.js`): reads the app environment contract
 * (`components/shared/appEnv.ts`, plus the optional `DRAIN_GRACE_MS`), serves, and drains on
 * SIGTERM/SIGINT (on ECS already when the task starts stopping, see `ecsDrain.ts`). A bad environment prints every problem and exits 1. Logs a JSON line with
 * `"msg":"listening"` once the HTTP server listens.
 */
import { drainWhenEcsStops } from "./ecsDrain";
import { orExit, readEntryEnv } from "./env";
import { createFleetServer } from "./server";
import { exitOnSignals } from "./shutdown";

const { config, drain } = orExit(() => readEntryEnv(process.env));
const fleet = createFleetServer(config, { drain });
// On ECS, drain when ECS starts deregistering the task, long before its SIGTERM.
drainWhenEcsStops(process.env, fleet);
exitOnSignals(() => fleet.close(), fleet.logger);
fleet.listen().catch((err: Error) => {
  fleet.logger.fatal({ err: err.message }, "cannot listen");
  process.exit(1);
});
