/**
 * Draining on ECS when ECS starts stopping the task, not when it sends SIGTERM.
 *
 * Behind a load balancer ECS stops a task in this order (ECS task lifecycle; "Load balancer
 * connection draining" in the ECS best-practices guide): `DEACTIVATING` (the target is
 * deregistered, `draining` in the target group: no new requests, existing connections kept),
 * then, once the target is `unused` (after the deregistration delay, or as soon as it has no
 * connection left), `STOPPING`: SIGTERM, and SIGKILL after `stopTimeout`. Waiting for SIGTERM
 * would drain an empty node after the ALB had cut every websocket at once.
 *
 * What a task can see of that, settled from the sources:
 * - The task metadata endpoint v4 does not show it. Its `KnownStatus` goes RUNNING → STOPPED
 *   (aws/containers-roadmap#2012, open), and its `DesiredStatus` is the agent's: the agent has no
 *   DEACTIVATING state (amazon-ecs-agent `ecs-agent/api/task/status/taskstatus.go`) and receives
 *   `STOPPED` in the same transition that stops the containers (`handleDesiredStatusChange` in
 *   `agent/engine/task_manager.go`), i.e. at SIGTERM. It is still read here: it is free, and it
 *   catches stops that skip deregistration.
 * - The ECS API does: `DescribeTasks` reports `lastStatus: DEACTIVATING` and `desiredStatus:
 *   STOPPED` from the moment ECS decides to stop the task. The task role may call it on its own
 *   cluster's tasks only (`components/aws/iam.ts`).
 *
 * So, only where `ECS_CONTAINER_METADATA_URI_V4` is set (ECS sets it in every task): read the
 * task's ARN and cluster from the metadata endpoint, then every `ECS_STATUS_POLL_SECONDS` ask ECS
 * for the task's status, and call `onStopping` once when it is stopping. The app then drains
 * (not ready, clients moved in batches); when the last connection closes the ALB completes the
 * deregistration early, ECS sends SIGTERM, and the process exits.
 *
 * Trade-off: each task makes one `DescribeTasks` call per poll (100 tasks ≈ 33 calls/s), which
 * counts against the account's per-Region ECS API throttle (a token bucket, "Request throttling
 * for the Amazon ECS API"). A throttled or refused call is logged and retried; if none gets
 * through, the node drains at SIGTERM as before, which `stopTimeout` still covers.
 */
import { DescribeTasksCommand, ECSClient, type ECSClientConfig } from "@aws-sdk/client-ecs";
import { ECS_STATUS_POLL_SECONDS } from "../../components/shared/defaults";
import type { Logger } from "./logger";

/** Set by ECS in every container (task metadata endpoint version 4). */
export const ECS_METADATA_ENV = "ECS_CONTAINER_METADATA_URI_V4";

/** The ECS task statuses that mean "this task is being stopped". */
const STOPPING_STATUSES = new Set(["DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]);

/** A task's status as ECS reports it (DescribeTasks' `lastStatus` and `desiredStatus`). */
export interface EcsTaskStatus {
  lastStatus?: string;
  desiredStatus?: string;
}

/** The fields of the metadata endpoint's `/task` response this module reads. */
interface TaskMetadata {
  Cluster?: string;
  TaskARN?: string;
  DesiredStatus?: string;
}

export type DescribeTask = (cluster: string, taskArn: string) => Promise<EcsTaskStatus>;

export interface EcsStopWatchOptions {
  /** The value of `ECS_CONTAINER_METADATA_URI_V4`. */
  metadataUri: string;
  /** Asks ECS for the task's status. @default `ecsDescribeTask()` (the AWS SDK) */
  describeTask?: DescribeTask;
  /** @default ECS_STATUS_POLL_SECONDS × 1000 */
  intervalMs?: number;
  /** Called once, with what was seen, when the task is stopping. */
  onStopping: (reason: string) => void;
  logger: Logger;
}

export interface EcsStopWatch {
  /** Resolves with the reason once the task is seen stopping (never, if it is not). */
  readonly stopping: Promise<string>;
  /** Stops polling (and, once fired, lets the process exit). */
  close(): void;
}

/** How long one request to the metadata endpoint or ECS may take before the tick is skipped. */
const REQUEST_TIMEOUT_MS = 2000;

/** Polls the task's status until it is stopping; never throws (failures are logged and retried). */
export function watchEcsStop(o: EcsStopWatchOptions): EcsStopWatch {
  const intervalMs = o.intervalMs ?? ECS_STATUS_POLL_SECONDS * 1000;
  const describeTask = o.describeTask ?? ecsDescribeTask();
  let timer: NodeJS.Timeout | undefined;
  let keepAlive: NodeJS.Timeout | undefined;
  let closed = false;
  let failures = 0;
  let resolveStopping: (reason: string) => void = () => undefined;
  const stopping = new Promise<string>((resolve) => (resolveStopping = resolve));

  const tick = async (): Promise<string | undefined> => {
    const task = await readTaskMetadata(o.metadataUri);
    if (task.DesiredStatus === "STOPPED") return "task metadata: DesiredStatus STOPPED";
    if (task.Cluster === undefined || task.TaskARN === undefined) {
      throw new Error("the task metadata has no Cluster or TaskARN");
    }
    const status = await describeTask(task.Cluster, task.TaskARN);
    if (status.desiredStatus === "STOPPED" || STOPPING_STATUSES.has(status.lastStatus ?? "")) {
      return `ECS: lastStatus ${status.lastStatus ?? "?"}, desiredStatus ${status.desiredStatus ?? "?"}`;
    }
    return undefined;
  };
  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      tick().then(
        (reason) => {
          failures = 0;
          if (reason === undefined) return schedule();
          closed = true;
          // Stay up, drained, until ECS's SIGTERM (it follows as soon as the ALB sees no
          // connection left), so every stop ends through the one SIGTERM path of `main.ts`,
          // whether or not a Redis connection would keep the event loop alive.
          keepAlive = setInterval(() => undefined, 60_000);
          o.logger.info({ reason }, "ECS is stopping this task");
          resolveStopping(reason);
          o.onStopping(reason);
        },
        (err: Error) => {
          // Log the first failure and then every 20th, so a missing permission is visible
          // without a log line every few seconds.
          if (failures++ % 20 === 0) {
            o.logger.warn({ err: err.message, failures }, "cannot read the ECS task status");
          }
          schedule();
        },
      );
    }, intervalMs);
    // Polling never keeps the process alive on its own.
    timer.unref();
  };
  schedule();
  return {
    stopping,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (keepAlive !== undefined) clearInterval(keepAlive);
    },
  };
}

/**
 * Starts `watchEcsStop` when the process runs in an ECS task (`ECS_CONTAINER_METADATA_URI_V4`
 * set), draining `fleet` when the task starts stopping; elsewhere does nothing.
 */
export function drainWhenEcsStops(
  env: Record<string, string | undefined>,
  fleet: { drain(): Promise<void>; logger: Logger },
  options: Partial<Omit<EcsStopWatchOptions, "onStopping" | "logger">> = {},
): EcsStopWatch | undefined {
  const metadataUri = options.metadataUri ?? env[ECS_METADATA_ENV]?.trim();
  if (metadataUri === undefined || metadataUri === "") return undefined;
  return watchEcsStop({
    ...options,
    metadataUri,
    logger: fleet.logger,
    onStopping: () => {
      fleet.drain().catch((err: Error) => {
        fleet.logger.error({ err: err.message }, "drain failed");
      });
    },
  });
}

async function readTaskMetadata(metadataUri: string): Promise<TaskMetadata> {
  const res = await fetch(`${metadataUri.replace(/\/$/, "")}/task`, {
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`task metadata endpoint answered ${res.status}`);
  return (await res.json()) as TaskMetadata;
}

/**
 * `DescribeTasks` through the AWS SDK, with the task role's credentials (the SDK's default
 * chain reads them from the ECS credentials endpoint), in the task's own region (from its ARN).
 * `config` is for tests (endpoint, credentials).
 */
export function ecsDescribeTask(config: ECSClientConfig = {}): DescribeTask {
  const clients = new Map<string, ECSClient>();
  return async (cluster, taskArn) => {
    const region = taskArn.split(":")[3] ?? "";
    let client = clients.get(region);
    if (client === undefined) {
      client = new ECSClient({ region, maxAttempts: 1, ...config });
      clients.set(region, client);
    }
    const out = await client.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }), {
      abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const task = out.tasks?.[0];
    if (task === undefined) {
      const reason = out.failures?.[0]?.reason ?? "no task returned";
      throw new Error(`DescribeTasks: ${reason}`);
    }
    return { lastStatus: task.lastStatus, desiredStatus: task.desiredStatus };
  };
}
