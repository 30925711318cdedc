/**
 * Validates recorded Kubernetes objects the way the API server takes them under server-side apply
 * (Pulumi's default): against the schema of a pinned cluster (Kubernetes minor, Gateway API
 * release and channel, GKE and Istio CRDs), with unknown fields rejected. Server-side apply builds
 * a typed patch from the schema and fails on a field it does not declare (`failed to create typed
 * patch object … field not declared in schema`, kubernetes PR #105916), so every object node
 * with `properties` is closed (`additionalProperties: false`) unless the schema says
 * `x-kubernetes-preserve-unknown-fields`. Not covered: CEL rules (`x-kubernetes-validations`),
 * which need a CEL evaluator; the tests assert the CEL-relevant values (e.g. a Permanent cookie
 * with an `absoluteTimeout`) directly. Fixtures: test/fixtures/k8s-schemas (SOURCES.md).
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import type { RecordedResource } from "./mocks";

const FIXTURES = join(__dirname, "..", "fixtures", "k8s-schemas");

/** The Kubernetes minors the component supports (the kubelet `sleep` preStop action needs 1.30). */
export const KUBERNETES_MINORS = ["1.30", "1.35"] as const;
/** Gateway API CRD bundles with a pinned HTTPRoute schema. */
export const GATEWAY_API_BUNDLES = [
  "v1.4.0-standard",
  "v1.4.0-experimental",
  "v1.5.1-standard",
  "v1.5.1-experimental",
  "v1.6.1-standard",
  "v1.6.1-experimental",
  "v1.7.0-dev-4564255-standard",
  "v1.7.0-dev-4564255-experimental",
] as const;

/** What is installed on the cluster a test applies to. */
export interface ClusterSchemas {
  kubernetes: (typeof KUBERNETES_MINORS)[number];
  gatewayApi?: (typeof GATEWAY_API_BUNDLES)[number];
}

const GKE = "gke-crds-catalog-7b1e26e";
const ISTIO = "istio-crds-catalog-7b1e26e";
const PROMETHEUS_OPERATOR = "prometheus-operator-v0.93.0";
const PROMETHEUS_ENGINE = "prometheus-engine-v0.17.2";
const KEDA = "keda-v2.20.2";

/** The fixture of an `apiVersion`/`kind`, or undefined when none is pinned. */
function fixtureOf(apiVersion: string, kind: string, cluster: ClusterSchemas): string | undefined {
  const k8s = `kubernetes-v${cluster.kubernetes}`;
  const builtIn: Record<string, string> = {
    "v1/Namespace": "namespace.json",
    "v1/Service": "service.json",
    "v1/Secret": "secret.json",
    "v1/ConfigMap": "configmap.json",
    "v1/ServiceAccount": "serviceaccount.json",
    "apps/v1/Deployment": "deployment.json",
    "apps/v1/StatefulSet": "statefulset.json",
    "networking.k8s.io/v1/Ingress": "ingress.json",
    "networking.k8s.io/v1/NetworkPolicy": "networkpolicy.json",
    "policy/v1/PodDisruptionBudget": "poddisruptionbudget.json",
    "autoscaling/v2/HorizontalPodAutoscaler": "horizontalpodautoscaler.json",
  };
  const custom: Record<string, string | undefined> = {
    "gateway.networking.k8s.io/v1/HTTPRoute":
      cluster.gatewayApi && join(`gateway-api-${cluster.gatewayApi}`, "httproute.json"),
    "cloud.google.com/v1/BackendConfig": join(GKE, "backendconfig-v1.json"),
    "networking.gke.io/v1beta1/FrontendConfig": join(GKE, "frontendconfig-v1beta1.json"),
    "networking.gke.io/v1/GCPBackendPolicy": join(GKE, "gcpbackendpolicy-v1.json"),
    "networking.gke.io/v1/HealthCheckPolicy": join(GKE, "healthcheckpolicy-v1.json"),
    "networking.istio.io/v1/DestinationRule": join(ISTIO, "destinationrule-v1.json"),
    "monitoring.coreos.com/v1/PodMonitor": join(PROMETHEUS_OPERATOR, "podmonitor-v1.json"),
    "monitoring.coreos.com/v1/PrometheusRule": join(PROMETHEUS_OPERATOR, "prometheusrule-v1.json"),
    "monitoring.googleapis.com/v1/PodMonitoring": join(PROMETHEUS_ENGINE, "podmonitoring-v1.json"),
    "monitoring.googleapis.com/v1/Rules": join(PROMETHEUS_ENGINE, "rules-v1.json"),
    "keda.sh/v1alpha1/ScaledObject": join(KEDA, "scaledobject-v1alpha1.json"),
  };
  const key = `${apiVersion}/${kind}`;
  if (key in builtIn) return join(k8s, builtIn[key]);
  return custom[key];
}

/**
 * `schema` closed the way server-side apply reads it: every node with `properties` rejects other
 * keys unless it preserves unknown fields; `x-kubernetes-int-or-string` accepts either type.
 */
export function closeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const node = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === "enum" || k === "default" ? v : closeSchema(v),
    ]),
  ) as Record<string, unknown>;
  if (
    typeof node.properties === "object" &&
    node.additionalProperties === undefined &&
    node["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    node.additionalProperties = false;
  }
  // A Go (RE2) pattern JavaScript cannot compile, e.g. prometheus-operator's `^(?i)(abort|warn)?$`
  // inline flag: left unchecked (like CEL rules) rather than failing every object of the kind.
  if (typeof node.pattern === "string" && !compiles(node.pattern)) delete node.pattern;
  if (node["x-kubernetes-int-or-string"] === true) {
    delete node.type;
    node.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  return node;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, ValidateFunction>();

/**
 * A CRD schema need not declare the root's `apiVersion`, `kind` and `metadata` (Istio's do not);
 * the API server always accepts them and checks `metadata` as an ObjectMeta.
 */
function withObjectMeta(schema: Record<string, unknown>, cluster: ClusterSchemas) {
  if (schema.definitions !== undefined) return schema; // a built-in kind: ObjectMeta is in it
  const meta = readJson(join(`kubernetes-v${cluster.kubernetes}`, "namespace.json")) as {
    definitions: Record<string, unknown>;
  };
  const properties = schema.properties as Record<string, unknown>;
  return {
    ...schema,
    properties: {
      ...properties,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
    },
    definitions: meta.definitions,
  };
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, file), "utf8"));
}

function validatorFor(file: string, cluster: ClusterSchemas): ValidateFunction {
  const key = `${cluster.kubernetes}:${file}`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = withObjectMeta(readJson(file) as Record<string, unknown>, cluster);
    validate = ajv.compile(closeSchema(schema) as object);
    compiled.set(key, validate);
  }
  return validate;
}

/** Every reason the API server of `cluster` would refuse `object`, as `kind/name: path message`. */
export function applyProblems(object: Record<string, unknown>, cluster: ClusterSchemas): string[] {
  const { apiVersion, kind } = object as { apiVersion: string; kind: string };
  const name = (object.metadata as { name?: string } | undefined)?.name;
  const file = fixtureOf(apiVersion, kind, cluster);
  if (file === undefined) return [`${kind}/${name}: no pinned schema for ${apiVersion} ${kind}`];
  const validate = validatorFor(file, cluster);
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${kind}/${name}: ${e.instancePath === "" ? "/" : e.instancePath} ${e.message}` +
      (e.keyword === "additionalProperties"
        ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
        : ""),
  );
}

/** Asserts every recorded Kubernetes object would apply on `cluster`. */
export function assertApplies(resources: RecordedResource[], cluster: ClusterSchemas): void {
  const objects = resources.filter((r) => r.type.startsWith("kubernetes:"));
  assert.ok(objects.length > 0, "no Kubernetes object recorded");
  const problems = objects.flatMap((r) => applyProblems(r.inputs, cluster));
  assert.deepEqual(problems, [], `refused on ${JSON.stringify(cluster)}`);
}
