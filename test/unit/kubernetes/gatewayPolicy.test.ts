import { strict as assert } from "node:assert";
import type { PolicyResource } from "../../../policy/rules";
import { runRules } from "../../../policy/rules/run";
import type { RecordedResource } from "../../helpers/mocks";
import { deploy, gatewayArgs, T } from "./fixtures";

function asPolicy(resources: RecordedResource[]): PolicyResource[] {
  return resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: r.inputs }));
}

function sessionFindings(resources: PolicyResource[]): string[] {
  return runRules(resources)
    .filter((f) => ["sticky-sessions-with-polling", "timeouts-above-heartbeat"].includes(f.rule))
    .map((f) => `${f.rule}: ${f.message}`);
}

describe("policy pack over the Gateway API implementations' objects", () => {
  for (const implementation of ["envoy-gateway", "gke", "istio"] as const) {
    for (const mode of ["cookie", "client-ip"] as const) {
      if (mode === "client-ip" && implementation !== "gke") continue;
      it(`${implementation}, ${mode} stickiness with long-polling: no session or timeout finding`, async () => {
        const { mocks } = await deploy(gatewayArgs({ implementation }, { stickiness: { mode } }));
        assert.deepEqual(sessionFindings(asPolicy(mocks.resources)), []);
      });
    }
  }

  it("negative controls: GKE without affinity or without timeoutSec, Istio without a cookie hash", async () => {
    const gke = asPolicy((await deploy(gatewayArgs({ implementation: "gke" }))).mocks.resources);
    const policy = gke.find((r) => r.type === T.gcpBackendPolicy)!;
    policy.props = structuredClone(policy.props);
    policy.props.spec.default.sessionAffinity = { type: "NONE" };
    delete policy.props.spec.default.timeoutSec;
    assert.deepEqual(sessionFindings(gke), [
      "sticky-sessions-with-polling: kubernetes:gateway.networking.k8s.io/v1:HTTPRoute `chat-route`: a rule without `sessionPersistence` while the fleet accepts long-polling: turn on cookie (or client-IP) stickiness, or set transports to websocket only",
      "timeouts-above-heartbeat: kubernetes:networking.gke.io/v1:GCPBackendPolicy `chat-backendpolicy`: `spec.default.timeoutSec` (30 s) must be above the heartbeat (pingInterval + pingTimeout = 45 s): raise it (connectionTimeoutSeconds) or shorten the heartbeat",
    ]);
    const istio = asPolicy(
      (await deploy(gatewayArgs({ implementation: "istio" }))).mocks.resources,
    );
    const rule = istio.find((r) => r.type === T.destinationRule)!;
    rule.props = structuredClone(rule.props);
    rule.props.spec.trafficPolicy.loadBalancer = { simple: "ROUND_ROBIN" };
    assert.equal(sessionFindings(istio).length, 1);
    assert.match(
      sessionFindings(istio)[0],
      /HTTPRoute `chat-route`: a rule without `sessionPersistence`/,
    );
  });
});
