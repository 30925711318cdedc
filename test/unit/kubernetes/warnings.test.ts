import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import { INGRESS_NGINX_RETIRED_WARNING } from "../../../components/kubernetes/ingress/nginx";
import { setupMocks } from "../../helpers/mocks";
import { fleetArgs, K8S_OUTPUTS } from "./fixtures";

interface Logged {
  message: string;
  resource: pulumi.Resource | undefined;
}

/** Builds the fleet with `pulumi.log.warn` captured; returns what it logged and the fleet. */
async function warningsOf(args: KubernetesSocketIoFleetArgs) {
  await setupMocks({ outputs: K8S_OUTPUTS });
  const logged: Logged[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = async (message: string, resource?: pulumi.Resource) => {
    logged.push({ message, resource });
  };
  try {
    const fleet = new KubernetesSocketIoFleet("chat", args);
    return { logged, fleet };
  } finally {
    pulumi.log.warn = original;
  }
}

const TRAEFIK = { controller: "traefik", host: "chat.example.com", tlsSecretName: "t" } as const;

describe("KubernetesSocketIoFleet preview warnings (pulumi.log.warn on the component)", () => {
  it("nginx: unmaintained since March 2026, with every migration path", async () => {
    const { logged, fleet } = await warningsOf(fleetArgs({ monitoring: { enabled: false } }));
    assert.equal(logged.length, 1);
    assert.equal(logged[0].resource, fleet, "attached to the component");
    assert.equal(logged[0].message, INGRESS_NGINX_RETIRED_WARNING);
    assert.equal(
      INGRESS_NGINX_RETIRED_WARNING,
      '`ingress.controller: "nginx"`: ingress-nginx is unmaintained since March 2026 (retirement ' +
        "announced 2025-11-11; no releases or security fixes, repository read-only; its successor " +
        'InGate is archived too). Migrate to the Gateway API (`ingress.controller: "gateway-api"`; ' +
        'ingress2gateway converts existing Ingresses), Traefik v3 (`"traefik"`; its NGINX provider ' +
        "also accepts the nginx affinity annotations), the F5 NGINX Ingress Controller, or the " +
        'cloud\'s own balancer (`"gke"`, `"aws-alb"`).',
    );
  });

  it("a maintained controller and a clean spec: no warning", async () => {
    for (const ingress of [
      TRAEFIK,
      { controller: "gke", tlsSecretName: "t" },
      {
        controller: "gateway-api",
        host: "chat.example.com",
        gateway: { name: "g", namespace: "g", implementation: "envoy-gateway" },
      },
    ] as const) {
      // Off GKE a clean spec names its collector (or turns monitoring off): see monitoring tests.
      const monitoring = ingress.controller === "gke" ? undefined : ({ enabled: false } as const);
      const { logged } = await warningsOf(fleetArgs({ ingress, cors: undefined, monitoring }));
      assert.deepEqual(logged, [], ingress.controller);
    }
  });

  it("nginx client-ip: what the controller must be set up for, per clientAddress", async () => {
    const expected = {
      "external-traffic-policy-local":
        "the controller's Service has `externalTrafficPolicy: Local`, so kube-proxy keeps the source address",
      "proxy-protocol":
        'the balancer sends the PROXY protocol (e.g. `service.beta.kubernetes.io/aws-load-balancer-proxy-protocol: "*"` on the controller\'s Service) and the controller ConfigMap sets `use-proxy-protocol: "true"`',
      "forwarded-headers":
        "the controller ConfigMap sets `use-forwarded-headers: \"true\"` and `proxy-real-ip-cidr` to your balancer's addresses (the default 0.0.0.0/0 trusts any client's X-Forwarded-For)",
    } as const;
    for (const [clientAddress, requirement] of Object.entries(expected)) {
      const { logged } = await warningsOf(
        fleetArgs({
          ingress: { ...fleetArgs().ingress, clientAddress: clientAddress as never },
          stickiness: { mode: "client-ip" },
          monitoring: { enabled: false },
        }),
      );
      assert.deepEqual(
        logged.map((l) => l.message),
        [
          INGRESS_NGINX_RETIRED_WARNING,
          `\`stickiness.mode: "client-ip"\` hashes \`$remote_addr\`; with \`ingress.clientAddress: "${clientAddress}"\` that is the client only if ${requirement}. The component cannot check the controller: verify it.`,
        ],
      );
    }
  });
});
