/**
 * The conformance suite (`suite.ts`) over every target: AWS, GCP (both compute modes), each Kubernetes controller with
 * in-cluster and with external `rediss://` Redis (the Gateway API also on GKE's and Istio's
 * implementations), and the four proxy renderers.
 */
import { KUBERNETES_INGRESS_CONTROLLERS } from "../../../components/kubernetes";
import { awsTarget } from "./aws";
import { gcpTarget } from "./gcp";
import { kubernetesTarget } from "./kubernetes";
import { CONFORMANCE_GATEWAY_IMPLEMENTATIONS } from "./kubernetesGateway";
import { apacheTarget, haproxyTarget, nginxTarget, traefikTarget } from "./proxies";
import { conformanceSuite } from "./suite";

conformanceSuite(awsTarget);
conformanceSuite(gcpTarget("instance-group"));
conformanceSuite(gcpTarget("cloud-run"));
for (const controller of KUBERNETES_INGRESS_CONTROLLERS) {
  conformanceSuite(kubernetesTarget(controller, "in-cluster"));
  conformanceSuite(kubernetesTarget(controller, "external rediss://"));
}
// The Gateway API once per implementation that pins sessions (Envoy Gateway ran above).
for (const implementation of CONFORMANCE_GATEWAY_IMPLEMENTATIONS.slice(1)) {
  conformanceSuite(kubernetesTarget("gateway-api", "in-cluster", implementation));
}
for (const proxy of [haproxyTarget, nginxTarget, apacheTarget, traefikTarget]) {
  conformanceSuite(proxy);
}
