/**
 * The conformance suite (`suite.ts`) over every target: AWS, GCP (both compute modes), each Kubernetes controller with
 * in-cluster and with external `rediss://` Redis, and the four proxy renderers.
 */
import { KUBERNETES_INGRESS_CONTROLLERS } from "../../../components/kubernetes";
import { awsTarget } from "./aws";
import { gcpTarget } from "./gcp";
import { kubernetesTarget } from "./kubernetes";
import { apacheTarget, haproxyTarget, nginxTarget, traefikTarget } from "./proxies";
import { conformanceSuite } from "./suite";

conformanceSuite(awsTarget);
conformanceSuite(gcpTarget("instance-group"));
conformanceSuite(gcpTarget("cloud-run"));
for (const controller of KUBERNETES_INGRESS_CONTROLLERS) {
  conformanceSuite(kubernetesTarget(controller, "in-cluster"));
  conformanceSuite(kubernetesTarget(controller, "external rediss://"));
}
for (const proxy of [haproxyTarget, nginxTarget, apacheTarget, traefikTarget]) {
  conformanceSuite(proxy);
}
