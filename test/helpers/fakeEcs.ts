/**
 * A local HTTP server that plays what an ECS task talks to: the task metadata endpoint v4
 * (`GET <base>/v4/task-meta/task`), the container credentials endpoint (`GET /creds`) and the ECS
 * API (`POST /`, `DescribeTasks` only). Tests set the task's statuses and read every request.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_TASK = {
  cluster: "arn:aws:ecs:us-east-1:123456789012:cluster/chat",
  taskArn: "arn:aws:ecs:us-east-1:123456789012:task/chat/0123456789abcdef0123456789abcdef",
};
export const FAKE_CREDENTIALS = {
  AccessKeyId: "ASIAFAKEECSTASKROLE1",
  SecretAccessKey: "fake/secret/key/for/the/task/role/000000",
  Token: "fake-session-token",
};

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FakeEcs {
  /** `ECS_CONTAINER_METADATA_URI_V4` for the task. */
  metadataUri: string;
  /** The ECS API endpoint (`AWS_ENDPOINT_URL_ECS`). */
  apiUrl: string;
  /** `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  credentialsUri: string;
  /** What the metadata endpoint reports (the agent's view). */
  metadata: { DesiredStatus: string; KnownStatus: string };
  /** What DescribeTasks reports (the control plane's view), or an error status to answer. */
  control: { lastStatus: string; desiredStatus: string; failWith?: number };
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeEcs(): Promise<FakeEcs> {
  const fake = {
    metadata: { DesiredStatus: "RUNNING", KnownStatus: "RUNNING" },
    control: { lastStatus: "RUNNING", desiredStatus: "RUNNING" } as FakeEcs["control"],
    requests: [] as RecordedRequest[],
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      fake.requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body,
      });
      const json = (status: number, value: unknown, type = "application/json") => {
        res.writeHead(status, { "Content-Type": type });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET" && req.url === "/v4/task-meta/task") {
        return json(200, {
          Cluster: FAKE_TASK.cluster,
          TaskARN: FAKE_TASK.taskArn,
          Family: "chat",
          Revision: "7",
          ...fake.metadata,
        });
      }
      if (req.method === "GET" && req.url === "/creds") {
        const expiration = new Date(Date.now() + 3_600_000).toISOString();
        return json(200, { ...FAKE_CREDENTIALS, Expiration: expiration });
      }
      const target = req.headers["x-amz-target"];
      if (req.method === "POST" && target === "AmazonEC2ContainerServiceV20141113.DescribeTasks") {
        const type = "application/x-amz-json-1.1";
        if (fake.control.failWith !== undefined) {
          return json(
            fake.control.failWith,
            { __type: "AccessDeniedException", message: "not authorized" },
            type,
          );
        }
        return json(
          200,
          {
            tasks: [
              {
                taskArn: FAKE_TASK.taskArn,
                lastStatus: fake.control.lastStatus,
                desiredStatus: fake.control.desiredStatus,
              },
            ],
            failures: [],
          },
          type,
        );
      }
      json(404, { message: `no fake for ${req.method} ${req.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    metadataUri: `${base}/v4/task-meta`,
    apiUrl: base,
    credentialsUri: `${base}/creds`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The DescribeTasks calls received so far. */
export function describeTasksCalls(fake: FakeEcs): RecordedRequest[] {
  return fake.requests.filter(
    (r) => r.headers["x-amz-target"] === "AmazonEC2ContainerServiceV20141113.DescribeTasks",
  );
}
