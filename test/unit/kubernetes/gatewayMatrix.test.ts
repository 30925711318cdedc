/**
 * Every Gateway API path against every supported CRD release and channel (issue #18): each
 * `ingress.gateway.release` value has pinned HTTPRoute schemas of both channels, and each
 * implementation's objects apply on every one of them where it can run, on Kubernetes 1.30 and
 * 1.35, under strict server-side apply. Where it cannot (Envoy Gateway pinning on the standard
 * channel), preview refuses the spec instead.
 */
import { strict as assert } from "node:assert";
import type { KubernetesSocketIoFleetArgs } from "../../../components/kubernetes";
import { validateKubernetesFleet } from "../../../components/kubernetes";
import { GATEWAY_RELEASES } from "../../../components/kubernetes/args";
import {
  applyProblems,
  assertApplies,
  type ClusterSchemas,
  GATEWAY_API_BUNDLES,
  KUBERNETES_MINORS,
} from "../../helpers/strictSchema";
import { deploy, gatewayArgs, T, WEBSOCKET_ONLY } from "./fixtures";

type Bundle = NonNullable<ClusterSchemas["gatewayApi"]>;
type Release = (typeof GATEWAY_RELEASES)[number];

/** The pinned CRD bundle behind each `release` value (v1.7: `main` after the `cookie` union). */
const RELEASE_BUNDLE: Record<Release, string> = {
  "v1.4": "v1.4.0",
  "v1.5": "v1.5.1",
  "v1.6": "v1.6.1",
  "v1.7": "v1.7.0-dev-4564255",
};
const bundle = (release: Release, channel: "standard" | "experimental") =>
  `${RELEASE_BUNDLE[release]}-${channel}` as Bundle;

async function appliesEverywhere(args: KubernetesSocketIoFleetArgs, gatewayApi: Bundle) {
  assert.deepEqual(validateKubernetesFleet("chat", args), []);
  const { mocks } = await deploy(args);
  for (const kubernetes of KUBERNETES_MINORS)
    assertApplies(mocks.resources, { kubernetes, gatewayApi });
  return mocks;
}

describe("Gateway API paths on every supported CRD release and channel (strict apply)", () => {
  it("every `release` value has pinned HTTPRoute schemas of both channels", () => {
    for (const release of GATEWAY_RELEASES) {
      for (const channel of ["standard", "experimental"] as const) {
        assert.ok(
          (GATEWAY_API_BUNDLES as readonly string[]).includes(bundle(release, channel)),
          `${release} ${channel}: no pinned schema`,
        );
      }
    }
  });

  for (const release of GATEWAY_RELEASES) {
    const shape = release === "v1.7" ? "cookie" : "sessionName";
    it(`${release}: envoy-gateway on the experimental channel pins with the ${shape} shape, refused by the other releases' shape`, async () => {
      const mocks = await appliesEverywhere(
        gatewayArgs({ release }),
        bundle(release, "experimental"),
      );
      const route = mocks.one(T.httpRoute).inputs;
      assert.ok(shape in route.spec.rules[0].sessionPersistence, shape);
      // The other shape's schema refuses it: `release` must name the installed CRDs.
      const other: Release = release === "v1.7" ? "v1.6" : "v1.7";
      assert.notDeepEqual(
        applyProblems(route, { kubernetes: "1.35", gatewayApi: bundle(other, "experimental") }),
        [],
      );
      // Never on the standard channel: server-side apply refuses the field.
      assert.deepEqual(
        applyProblems(route, { kubernetes: "1.35", gatewayApi: bundle(release, "standard") }),
        ["HTTPRoute/chat: /spec/rules/0 must NOT have additional properties (sessionPersistence)"],
      );
    });

    it(`${release}: envoy-gateway on the standard channel refuses polling at preview; websocket-only applies`, async () => {
      const polling = gatewayArgs({ release, channel: "standard" });
      assert.deepEqual(
        validateKubernetesFleet("chat", polling).map((p) => p.field),
        ["stickiness.mode"],
      );
      const mocks = await appliesEverywhere(
        gatewayArgs({ release, channel: "standard" }, WEBSOCKET_ONLY),
        bundle(release, "standard"),
      );
      assert.equal(mocks.one(T.httpRoute).inputs.spec.rules[0].sessionPersistence, undefined);
    });

    for (const channel of ["standard", "experimental"] as const) {
      it(`${release} ${channel}: gke, istio (polling, pinned by their own policies) and generic (websocket-only) apply`, async () => {
        for (const implementation of ["gke", "istio"] as const) {
          const mocks = await appliesEverywhere(
            gatewayArgs({ implementation, release, channel }),
            bundle(release, channel),
          );
          // They ignore `sessionPersistence`: the route never carries it.
          assert.equal(mocks.one(T.httpRoute).inputs.spec.rules[0].sessionPersistence, undefined);
        }
        await appliesEverywhere(
          gatewayArgs({ implementation: "generic", release, channel }, WEBSOCKET_ONLY),
          bundle(release, channel),
        );
      });
    }
  }
});
