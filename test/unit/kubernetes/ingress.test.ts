import { strict as assert } from "node:assert";
import {
  allAnnotations,
  CERT_ARN,
  deploy,
  fleetArgs,
  kubeObjects,
  T,
  gatewayArgs,
} from "./fixtures";
import { applyProblems } from "../../helpers/strictSchema";
import type { KubernetesSocketIoFleetArgs } from "../../../components/kubernetes";

const BACKEND = { service: { name: "chat", port: { number: 80 } } };
const ROOT_PATH = [{ path: "/", pathType: "Prefix", backend: BACKEND }];

describe("KubernetesSocketIoFleet ingress flavours", () => {
  describe("nginx (ingress-nginx)", () => {
    it("cookie affinity, persistent, re-pinned on failure, Secure SameSite=None with TLS, timeouts", async () => {
      const { mocks } = await deploy(
        fleetArgs({ stickiness: { cookieName: "sio", ttlSeconds: 7200 } }),
      );
      const ingress = mocks.one(T.ingress).inputs;
      assert.deepEqual(ingress.metadata.annotations, {
        "nginx.ingress.kubernetes.io/affinity": "cookie",
        "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
        "nginx.ingress.kubernetes.io/session-cookie-name": "sio",
        "nginx.ingress.kubernetes.io/session-cookie-max-age": "7200",
        "nginx.ingress.kubernetes.io/session-cookie-change-on-failure": "true",
        "nginx.ingress.kubernetes.io/session-cookie-secure": "true",
        "nginx.ingress.kubernetes.io/session-cookie-samesite": "None",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
        "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
      });
      assert.deepEqual(ingress.spec, {
        ingressClassName: "nginx",
        tls: [{ hosts: ["chat.example.com"], secretName: "chat-tls" }],
        rules: [{ host: "chat.example.com", http: { paths: ROOT_PATH } }],
      });
      assert.deepEqual(mocks.named(T.service, "chat").inputs.metadata.annotations, {});
    });

    it("without TLS: the default cookie name, no Secure/SameSite, the class and timeout given", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "nginx", className: "internal-nginx" },
          cors: undefined,
          connectionTimeoutSeconds: 120,
        }),
      );
      const ingress = mocks.one(T.ingress).inputs;
      assert.deepEqual(ingress.metadata.annotations, {
        "nginx.ingress.kubernetes.io/affinity": "cookie",
        "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
        "nginx.ingress.kubernetes.io/session-cookie-name": "SIO_NODE",
        "nginx.ingress.kubernetes.io/session-cookie-max-age": "86400",
        "nginx.ingress.kubernetes.io/session-cookie-change-on-failure": "true",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "120",
        "nginx.ingress.kubernetes.io/proxy-send-timeout": "120",
      });
      assert.equal(ingress.spec.ingressClassName, "internal-nginx");
      assert.equal(ingress.spec.tls, undefined);
      assert.deepEqual(ingress.spec.rules, [{ http: { paths: ROOT_PATH } }]);
    });

    it("client-ip hashes $remote_addr (the client's, in every clientAddress mode) and sets no cookie", async () => {
      for (const clientAddress of [
        "external-traffic-policy-local",
        "proxy-protocol",
        "forwarded-headers",
      ] as const) {
        const { mocks } = await deploy(
          fleetArgs({
            ingress: { ...fleetArgs().ingress, clientAddress },
            stickiness: { mode: "client-ip" },
          }),
        );
        assert.deepEqual(mocks.one(T.ingress).inputs.metadata.annotations, {
          "nginx.ingress.kubernetes.io/upstream-hash-by": "$remote_addr",
          "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
          "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
        });
      }
    });

    it("websocket-only with no stickiness: timeouts only", async () => {
      const { mocks } = await deploy(
        fleetArgs({ transports: ["websocket"], stickiness: { mode: "none" } }),
      );
      assert.deepEqual(mocks.one(T.ingress).inputs.metadata.annotations, {
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
        "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
      });
    });
  });

  describe("traefik", () => {
    it("sticky cookie annotations on the Service; the Ingress has the class and router.tls", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "traefik", host: "chat.example.com", tlsSecretName: "chat-tls" },
        }),
      );
      assert.deepEqual(mocks.named(T.service, "chat").inputs.metadata.annotations, {
        "traefik.ingress.kubernetes.io/service.sticky.cookie": "true",
        "traefik.ingress.kubernetes.io/service.sticky.cookie.name": "SIO_NODE",
        "traefik.ingress.kubernetes.io/service.sticky.cookie.secure": "true",
        "traefik.ingress.kubernetes.io/service.sticky.cookie.samesite": "none",
        "traefik.ingress.kubernetes.io/service.sticky.cookie.httponly": "true",
        "traefik.ingress.kubernetes.io/service.sticky.cookie.maxage": "86400",
      });
      const ingress = mocks.one(T.ingress).inputs;
      assert.deepEqual(ingress.metadata.annotations, {
        "traefik.ingress.kubernetes.io/router.tls": "true",
      });
      assert.equal(ingress.spec.ingressClassName, "traefik");
    });

    it("without TLS the cookie is not Secure and SameSite=Lax", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "traefik" },
          cors: undefined,
          stickiness: { cookieName: "sio", ttlSeconds: 60 },
        }),
      );
      const a = mocks.named(T.service, "chat").inputs.metadata.annotations;
      assert.equal(a["traefik.ingress.kubernetes.io/service.sticky.cookie.secure"], "false");
      assert.equal(a["traefik.ingress.kubernetes.io/service.sticky.cookie.samesite"], "lax");
      assert.equal(a["traefik.ingress.kubernetes.io/service.sticky.cookie.name"], "sio");
      assert.equal(a["traefik.ingress.kubernetes.io/service.sticky.cookie.maxage"], "60");
      assert.deepEqual(mocks.one(T.ingress).inputs.metadata.annotations, {});
    });
  });

  describe("gke", () => {
    it("NEG + BackendConfig on the Service, GENERATED_COOKIE, lifetime timeout, draining, readiness health check", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "gke", host: "chat.example.com", tlsSecretName: "chat-tls" },
          stickiness: { ttlSeconds: 1800 },
          containerPort: 8080,
        }),
      );
      assert.deepEqual(mocks.named(T.service, "chat").inputs.metadata.annotations, {
        "cloud.google.com/neg": '{"ingress":true}',
        "cloud.google.com/backend-config": '{"default":"chat"}',
      });
      const bc = mocks.one(T.backendConfig).inputs;
      assert.equal(bc.apiVersion, "cloud.google.com/v1");
      assert.equal(bc.kind, "BackendConfig");
      assert.deepEqual(bc.metadata.name, "chat");
      assert.deepEqual(bc.spec, {
        timeoutSec: 3600,
        connectionDraining: { drainingTimeoutSec: 40 },
        sessionAffinity: { affinityType: "GENERATED_COOKIE", affinityCookieTtlSec: 1800 },
        healthCheck: {
          type: "HTTP",
          requestPath: "/readyz",
          port: 8080,
          checkIntervalSec: 5,
          timeoutSec: 3,
          healthyThreshold: 1,
          unhealthyThreshold: 2,
        },
      });
      assert.deepEqual(applyProblems(bc, { kubernetes: "1.35" }), []);
      const fc = mocks.one(T.frontendConfig).inputs;
      assert.equal(fc.apiVersion, "networking.gke.io/v1beta1");
      assert.deepEqual(fc.spec, {
        redirectToHttps: { enabled: true, responseCodeName: "MOVED_PERMANENTLY_DEFAULT" },
      });
      assert.deepEqual(applyProblems(fc, { kubernetes: "1.35" }), []);
      const ingress = mocks.one(T.ingress).inputs;
      assert.deepEqual(ingress.metadata.annotations, {
        "kubernetes.io/ingress.class": "gce",
        "networking.gke.io/v1beta1.FrontendConfig": "chat",
      });
      assert.equal(
        ingress.spec.ingressClassName,
        undefined,
        "the class is in the annotation GKE honours",
      );
    });

    it("client-ip uses CLIENT_IP; no FrontendConfig without TLS; TTL 0 accepted", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "gke" },
          cors: undefined,
          stickiness: { mode: "client-ip" },
        }),
      );
      assert.deepEqual(mocks.one(T.backendConfig).inputs.spec.sessionAffinity, {
        affinityType: "CLIENT_IP",
      });
      assert.equal(mocks.ofType(T.frontendConfig).length, 0);
      assert.deepEqual(mocks.one(T.ingress).inputs.metadata.annotations, {
        "kubernetes.io/ingress.class": "gce",
      });
      const zero = await deploy(
        fleetArgs({
          ingress: { controller: "gke" },
          cors: undefined,
          stickiness: { ttlSeconds: 0 },
        }),
      );
      assert.deepEqual(zero.mocks.one(T.backendConfig).inputs.spec.sessionAffinity, {
        affinityType: "GENERATED_COOKIE",
        affinityCookieTtlSec: 0,
      });
    });

    it("the BackendConfig and FrontendConfig exist before the Service and Ingress that name them", async () => {
      const { mocks } = await deploy(
        fleetArgs({ ingress: { controller: "gke", tlsSecretName: "chat-tls" } }),
      );
      const bc = mocks.one(T.backendConfig).urn;
      const fc = mocks.one(T.frontendConfig).urn;
      assert.ok(mocks.named(T.service, "chat").dependencies.includes(bc));
      assert.ok(mocks.one(T.ingress).dependencies.includes(fc));
    });
  });

  describe("aws-alb (AWS Load Balancer Controller)", () => {
    it("ip targets, lb_cookie stickiness, deregistration delay, idle timeout, HTTPS with redirect", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "aws-alb", host: "chat.example.com", certificateArn: CERT_ARN },
          stickiness: { ttlSeconds: 604800 },
          connectionTimeoutSeconds: 4000,
        }),
      );
      const ingress = mocks.one(T.ingress).inputs;
      assert.deepEqual(ingress.metadata.annotations, {
        "alb.ingress.kubernetes.io/scheme": "internet-facing",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/healthcheck-path": "/readyz",
        "alb.ingress.kubernetes.io/target-group-attributes":
          "stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=604800,deregistration_delay.timeout_seconds=40",
        "alb.ingress.kubernetes.io/load-balancer-attributes": "idle_timeout.timeout_seconds=4000",
        "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80},{"HTTPS":443}]',
        "alb.ingress.kubernetes.io/certificate-arn": CERT_ARN,
        "alb.ingress.kubernetes.io/ssl-redirect": "443",
      });
      assert.equal(ingress.spec.ingressClassName, "alb");
      assert.equal(ingress.spec.tls, undefined, "the ALB terminates TLS with the ACM certificate");
      const env = mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env;
      assert.ok(!env.some((e: { name: string }) => e.name === "STICKY_COOKIE_NAME"));
    });

    it("a cookie name switches to app_cookie and tells the app to issue it", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
          stickiness: { cookieName: "sio" },
        }),
      );
      assert.equal(
        mocks.one(T.ingress).inputs.metadata.annotations[
          "alb.ingress.kubernetes.io/target-group-attributes"
        ],
        "stickiness.enabled=true,stickiness.type=app_cookie,stickiness.app_cookie.cookie_name=sio,stickiness.app_cookie.duration_seconds=86400,deregistration_delay.timeout_seconds=40",
      );
      const env = mocks.one(T.deployment).inputs.spec.template.spec.containers[0].env;
      assert.deepEqual(
        env.filter((e: { name: string }) => e.name === "STICKY_COOKIE_NAME"),
        [{ name: "STICKY_COOKIE_NAME", value: "sio" }],
      );
    });

    it("plain HTTP listens on 80 only, with no certificate or redirect; no stickiness when none", async () => {
      const { mocks } = await deploy(
        fleetArgs({
          ingress: { controller: "aws-alb" },
          cors: undefined,
          transports: ["websocket"],
          stickiness: { mode: "none" },
        }),
      );
      const a = mocks.one(T.ingress).inputs.metadata.annotations;
      assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80}]');
      assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], undefined);
      assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], undefined);
      assert.equal(
        a["alb.ingress.kubernetes.io/target-group-attributes"],
        "stickiness.enabled=false,deregistration_delay.timeout_seconds=40",
      );
    });
  });

  it("no object of any flavour carries a *-snippet annotation, and every annotation value is a string", async () => {
    const variants: KubernetesSocketIoFleetArgs[] = [
      fleetArgs(),
      fleetArgs({
        ingress: { ...fleetArgs().ingress, clientAddress: "proxy-protocol" },
        stickiness: { mode: "client-ip" },
      }),
      fleetArgs({ ingress: { controller: "traefik", tlsSecretName: "t" } }),
      fleetArgs({ ingress: { controller: "gke", tlsSecretName: "t" } }),
      fleetArgs({ ingress: { controller: "aws-alb", certificateArn: CERT_ARN } }),
      gatewayArgs({ name: "g", namespace: "g" }),
    ];
    let seen = 0;
    for (const args of variants) {
      const { mocks } = await deploy(args);
      for (const [object, key, value] of allAnnotations(mocks)) {
        seen++;
        assert.ok(!/snippet/i.test(key), `${object} has ${key}`);
        assert.equal(typeof value, "string", `${object} ${key}`);
      }
      assert.ok(kubeObjects(mocks).length > 0);
    }
    assert.ok(seen >= 30, `checked ${seen} annotations`);
  });
});
