/**
 * Reading the process environment for the entry points (`main.ts`, `cluster.ts`): the app
 * contract (`parseAppEnv`) plus their own optional keys, every problem reported at once.
 */
import { type AppConfig, AppEnvError, parseAppEnv } from "../../components/shared/appEnv";
import { type DrainOptions, readDrainOptions } from "./shutdown";

type Env = Record<string, string | undefined>;

export interface EntryEnv {
  config: AppConfig;
  drain: DrainOptions;
}

/** The contract plus `DRAIN_GRACE_MS`; throws one `AppEnvError` listing every problem. */
export function readEntryEnv(env: Env): EntryEnv {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof AppEnvError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const config = attempt(() => parseAppEnv(env));
  const drain = attempt(() => readDrainOptions(env));
  if (config === undefined || drain === undefined || problems.length > 0) {
    throw new AppEnvError(problems);
  }
  return { config, drain };
}

/** Runs `read`; on a bad environment prints the problems to stderr and exits 1. */
export function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof AppEnvError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
