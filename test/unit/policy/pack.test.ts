/**
 * The pack as the Pulumi CLI runs it: `@pulumi/pulumi`'s run-policy-pack loads policy/ (through
 * its vendored ts-node, type-checked), serves the analyzer over gRPC, and this test talks to it
 * as the engine would.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { RESOURCE_RULES, STACK_RULES } from "../../../policy/rules";
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

const ROOT = path.join(__dirname, "..", "..", "..");
const RUN_POLICY_PACK = path.join(
  ROOT,
  "node_modules",
  "@pulumi",
  "pulumi",
  "cmd",
  "run-policy-pack",
);
const MANDATORY = analyzerProto.EnforcementLevel.MANDATORY;

function descriptionOf(policy: string): string {
  return [...RESOURCE_RULES, ...STACK_RULES].find((r) => r.name === policy)?.description ?? "";
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
  );
}

function resource<M>(Message: new () => M, type: string, name: string, props: object): M {
  const m: any = new Message();
  m.setType(type);
  m.setName(name);
  m.setUrn(`urn:pulumi:test::socketio-fleet::${type}::${name}`);
  m.setProperties(Struct.fromJavaScript(props));
  // The engine always sends a resource's options (the pack refuses a stack resource without).
  m.setOptions(new analyzerProto.AnalyzerResourceOptions());
  return m;
}

function diagnostics(
  response: any,
): { policy: string; message: string; urn: string; level: number }[] {
  return response.getDiagnosticsList().map((d: any) => ({
    policy: d.getPolicyname(),
    message: d.getMessage(),
    urn: d.getUrn(),
    level: d.getEnforcementlevel(),
  }));
}

describe("the policy pack under Pulumi's own runner", function () {
  // ts-node type-checks the pack and the spec modules it imports on a shared 2-core machine.
  this.timeout(180_000);
  let pack: ChildProcess;
  let client: any;
  let stderr = "";

  before(async () => {
    pack = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", "."], {
      cwd: path.join(ROOT, "policy"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    pack.stderr?.on("data", (d) => (stderr += String(d)));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      pack.stdout?.on("data", (d) => {
        out += String(d);
        const match = /^(\d+)\n/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      pack.on("exit", (code) => reject(new Error(`the pack exited (${code}): ${stderr}`)));
    });
    client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    pack?.kill();
  });

  it("serves every rule as a mandatory policy", async () => {
    const info: any = await call(client, "getAnalyzerInfo", new Empty());
    assert.equal(info.getName(), "socketio-fleet");
    const policies = info.getPoliciesList().map((p: any) => [p.getName(), p.getEnforcementlevel()]);
    const names = [...RESOURCE_RULES, ...STACK_RULES].map((r) => r.name);
    assert.deepEqual(policies.map((p: [string]) => p[0]).sort(), [...names].sort());
    assert.ok(policies.every((p: [string, number]) => p[1] === MANDATORY));
  });

  it("reports a resource violation, and nothing for a compliant resource", async () => {
    const bad = resource(analyzerProto.AnalyzeRequest, "aws:ecs/service:Service", "svc", {
      networkConfiguration: { assignPublicIp: true },
    });
    assert.deepEqual(
      diagnostics(await call(client, "analyze", bad)).map((d) => [d.policy, d.message, d.level]),
      [
        [
          "no-public-ip",
          // The pack prefixes the policy's description, as `pulumi preview` prints it.
          `${descriptionOf("no-public-ip")}\n` +
            "aws:ecs/service:Service `svc`: `networkConfiguration.assignPublicIp` is true: set it false (private subnets with NAT)",
          MANDATORY,
        ],
      ],
    );
    const good = resource(analyzerProto.AnalyzeRequest, "aws:ecs/service:Service", "svc", {
      networkConfiguration: { assignPublicIp: false },
    });
    assert.deepEqual(diagnostics(await call(client, "analyze", good)), []);
  });

  it("reports a stack violation on the resource at fault", async () => {
    const task = resource(
      analyzerProto.AnalyzerResource,
      "aws:ecs/taskDefinition:TaskDefinition",
      "task",
      {
        containerDefinitions: JSON.stringify([
          {
            name: "app",
            readonlyRootFilesystem: true,
            environment: [{ name: "SOCKETIO_ADAPTER", value: "redis" }],
          },
        ]),
      },
    );
    const tg = resource(analyzerProto.AnalyzerResource, "aws:lb/targetGroup:TargetGroup", "tg", {
      stickiness: { enabled: false, type: "lb_cookie" },
    });
    const request = new analyzerProto.AnalyzeStackRequest();
    request.setResourcesList([task, tg]);
    const found = diagnostics(await call(client, "analyzeStack", request));
    assert.deepEqual(
      found.map((d) => [d.policy, d.urn]),
      [
        [
          "sticky-sessions-with-polling",
          "urn:pulumi:test::socketio-fleet::aws:lb/targetGroup:TargetGroup::tg",
        ],
      ],
    );
    assert.match(
      found[0].message,
      /`stickiness.enabled` is false while the fleet accepts long-polling/,
    );
  });
});
