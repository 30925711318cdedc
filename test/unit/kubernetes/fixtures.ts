/** Shared mocks, args and schema checks for the Kubernetes component tests. */
import { strict as assert } from "node:assert";
import {
  KUBERNETES_FLEET_TYPE,
  type KubernetesGateway,
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
} from "../../../components/kubernetes";
import {
  type MockOptions,
  type MockRecorder,
  type RecordedResource,
  setupMocks,
} from "../../helpers/mocks";
import { applyProblems, KUBERNETES_MINORS } from "../../helpers/strictSchema";

export const T = {
  fleet: KUBERNETES_FLEET_TYPE,
  namespace: "kubernetes:core/v1:Namespace",
  service: "kubernetes:core/v1:Service",
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  backendConfig: "kubernetes:cloud.google.com/v1:BackendConfig",
  frontendConfig: "kubernetes:networking.gke.io/v1beta1:FrontendConfig",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  gcpBackendPolicy: "kubernetes:networking.gke.io/v1:GCPBackendPolicy",
  healthCheckPolicy: "kubernetes:networking.gke.io/v1:HealthCheckPolicy",
  destinationRule: "kubernetes:networking.istio.io/v1:DestinationRule",
  password: "random:index/randomPassword:RandomPassword",
  provider: "pulumi:providers:kubernetes",
  helmRelease: "kubernetes:helm.sh/v3:Release",
} as const;

export const PASSWORD = "Pa55wordPa55wordPa55wordPa55word";
export const LB_HOSTNAME = "k8s-chat-1234.eu-west-1.elb.amazonaws.com";
export const CERT_ARN =
  "arn:aws:acm:eu-west-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";

/** Computed outputs: the generated password and the address a controller publishes. */
export const K8S_OUTPUTS: NonNullable<MockOptions["outputs"]> = {
  [T.password]: () => ({ result: PASSWORD }),
  [T.ingress]: () => ({ status: { loadBalancer: { ingress: [{ hostname: LB_HOSTNAME }] } } }),
};

export function fleetArgs(
  overrides: Partial<KubernetesSocketIoFleetArgs> = {},
): KubernetesSocketIoFleetArgs {
  return {
    image: "ghcr.io/acme/chat:1.2.3",
    ingress: { controller: "nginx", host: "chat.example.com", tlsSecretName: "chat-tls" },
    cors: { origins: ["https://app.example.com"] },
    ...overrides,
  };
}

/** A fleet behind a Gateway's "https" listener (Envoy Gateway unless `gateway` says otherwise). */
export function gatewayArgs(
  gateway: Partial<KubernetesGateway>,
  over: Partial<KubernetesSocketIoFleetArgs> = {},
): KubernetesSocketIoFleetArgs {
  return fleetArgs({
    ingress: {
      controller: "gateway-api",
      host: "chat.example.com",
      gateway: {
        name: "public",
        namespace: "gateway",
        tls: true,
        listener: "https",
        implementation: "envoy-gateway",
        ...gateway,
      },
    },
    ...over,
  });
}

/** Clients that never poll: no session to pin. */
export const WEBSOCKET_ONLY = {
  transports: ["websocket"],
  stickiness: { mode: "none" },
} as const satisfies Partial<KubernetesSocketIoFleetArgs>;

export interface Deployed {
  mocks: MockRecorder;
  fleet: KubernetesSocketIoFleet;
}

/** Builds a fleet named `chat` under fresh mocks and waits until every child is recorded. */
export async function deploy(
  args: KubernetesSocketIoFleetArgs = fleetArgs(),
  options: MockOptions = {},
): Promise<Deployed> {
  const mocks = await setupMocks({ outputs: K8S_OUTPUTS, ...options });
  const fleet = new KubernetesSocketIoFleet("chat", args);
  await mocks.settled();
  return { mocks, fleet };
}

/** Every recorded Kubernetes object (built-in kinds and CRDs), by kind. */
export function kubeObjects(mocks: MockRecorder): RecordedResource[] {
  return mocks.resources.filter((r) => r.type.startsWith("kubernetes:"));
}

const BUILT_IN_TYPES: string[] = [
  T.namespace,
  T.service,
  T.secret,
  T.deployment,
  T.statefulSet,
  T.ingress,
  T.networkPolicy,
  T.pdb,
  T.hpa,
];

/**
 * Validates a recorded built-in object as a strict API server of every supported minor takes it
 * under server-side apply (`test/helpers/strictSchema.ts`: pinned OpenAPI, unknown fields refused).
 */
export function validateBuiltIn(resource: RecordedResource): void {
  assert.ok(isBuiltIn(resource), `not a built-in kind: ${resource.type}`);
  for (const kubernetes of KUBERNETES_MINORS) {
    const problems = applyProblems(resource.inputs, { kubernetes });
    if (problems.length > 0) throw new Error(`Kubernetes ${kubernetes}: ${problems.join("; ")}`);
  }
}

export function isBuiltIn(resource: RecordedResource): boolean {
  return BUILT_IN_TYPES.includes(resource.type);
}

/** Every annotation on every recorded Kubernetes object, as `[object, key, value]`. */
export function allAnnotations(mocks: MockRecorder): [string, string, unknown][] {
  return kubeObjects(mocks).flatMap((r) =>
    Object.entries((r.inputs.metadata?.annotations ?? {}) as Record<string, unknown>).map(
      ([k, v]): [string, string, unknown] => [`${r.type}::${r.name}`, k, v],
    ),
  );
}
