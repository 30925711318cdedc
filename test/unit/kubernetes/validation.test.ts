import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  KUBERNETES_FLEET_TYPE,
  KubernetesSocketIoFleet,
  type KubernetesSocketIoFleetArgs,
  validateKubernetesFleet,
  validateKubernetesFleetTransform,
} from "../../../components/kubernetes";
import { setupMocks } from "../../helpers/mocks";
import { CERT_ARN, fleetArgs } from "./fixtures";

type Loose = Record<string, unknown>;

/** The problems for `args` (merged over valid base args) with the component named `name`. */
function problems(over: Loose, name: unknown = "chat") {
  return validateKubernetesFleet(name, { ...fleetArgs(), ...over });
}

/** Asserts exactly one problem on `field`, whose message matches every pattern. */
function expectProblem(over: Loose, field: string, ...patterns: RegExp[]) {
  const found = problems(over).filter((p) => p.field === field);
  assert.equal(found.length, 1, `one problem on ${field}, got ${JSON.stringify(problems(over))}`);
  for (const pattern of patterns) assert.match(found[0].message, pattern);
}

const nginx = (extra: Loose = {}) => ({
  controller: "nginx",
  host: "chat.example.com",
  tlsSecretName: "chat-tls",
  ...extra,
});

describe("KubernetesSocketIoFleet validation", () => {
  it("valid args for every controller give no problems", () => {
    const valid: Loose[] = [
      {},
      { ingress: { controller: "traefik", host: "chat.example.com", tlsSecretName: "t" } },
      { ingress: { controller: "gke", tlsSecretName: "t" }, stickiness: { mode: "client-ip" } },
      {
        ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
        stickiness: { cookieName: "sio" },
      },
      {
        ingress: {
          controller: "gateway-api",
          host: "chat.example.com",
          gateway: {
            name: "public",
            namespace: "gw",
            tls: true,
            implementation: "envoy-gateway",
            listener: "https",
          },
        },
      },
      {
        namespace: { name: "apps", create: false },
        redis: { mode: "external", url: "rediss://:pw@r.example.com:6380", port: 6380 },
        resources: { requests: { cpu: "0.5", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
        autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 80 },
      },
    ];
    for (const over of valid) assert.deepEqual(problems(over), [], JSON.stringify(over));
  });

  describe("the component name and namespace", () => {
    it("the name must be a DNS label of at most 40 characters", () => {
      for (const name of ["Chat", "chat_1", "1chat", "c".repeat(41), 7]) {
        const found = problems({}, name).filter((p) => p.field === "name");
        assert.equal(found.length, 1, String(name));
        const shown = typeof name === "string" ? JSON.stringify(name) : String(name);
        assert.ok(
          found[0].message.startsWith(`\`name\` (${shown}), the component name,`),
          found[0].message,
        );
        assert.match(found[0].message, /names the Kubernetes objects and the namespace/);
        assert.match(found[0].message, /at most 40 characters, e\.g\. "chat"/);
      }
    });

    it("`namespace` must be an object with a DNS-label name and a boolean create", () => {
      expectProblem({ namespace: "apps" }, "namespace", /`namespace` \("apps"\) must be an object/);
      expectProblem(
        { namespace: { name: "Apps" } },
        "namespace.name",
        /`namespace.name` \("Apps"\) must be a DNS label/,
      );
      expectProblem(
        { namespace: { name: "apps", create: "yes" } },
        "namespace.create",
        /\("yes"\) must be true or false/,
      );
      expectProblem(
        { namespace: { name: "apps", crate: false } },
        "namespace.crate",
        /did you mean `namespace.create`/,
      );
    });
  });

  describe("ingress", () => {
    it("is required, with a known controller", () => {
      expectProblem(
        { ingress: undefined },
        "ingress",
        /`ingress` \(undefined\) is required/,
        // The example leads with a maintained controller, not the retired ingress-nginx.
        /an object such as \{ controller: "traefik", host: "chat.example.com" \}$/,
      );
      expectProblem(
        { ingress: {} },
        "ingress.controller",
        /is required: one of "traefik", "gateway-api", "gke", "aws-alb", "nginx"$/,
      );
      expectProblem(
        { ingress: { controller: "haproxy" } },
        "ingress.controller",
        /`ingress.controller` \("haproxy"\) must be one of "traefik", "gateway-api", "gke", "aws-alb", "nginx"$/,
      );
      expectProblem(
        { ingress: nginx({ hots: "x" }) },
        "ingress.hots",
        /did you mean `ingress.host`/,
      );
      expectProblem(
        { ingress: nginx({ hostname: "x" }) },
        "ingress.hostname",
        /known fields: controller, host, className/,
      );
    });

    it("host is a bare DNS name, and required for gateway-api", () => {
      expectProblem(
        { ingress: nginx({ host: "https://chat.example.com" }) },
        "ingress.host",
        /\("https:\/\/chat.example.com"\) must be a lower-case DNS name without scheme or port/,
      );
      expectProblem(
        { ingress: { controller: "gateway-api", gateway: { name: "g", namespace: "g" } } },
        "ingress.host",
        /is required with `ingress.controller: "gateway-api"`/,
      );
    });

    it("className and tlsSecretName are object names, and only where they apply", () => {
      expectProblem(
        { ingress: nginx({ className: "Nginx Public" }) },
        "ingress.className",
        /must be a Kubernetes object name/,
      );
      expectProblem(
        { ingress: nginx({ tlsSecretName: "TLS" }) },
        "ingress.tlsSecretName",
        /\("TLS"\) must be a Kubernetes object name/,
      );
      expectProblem(
        {
          ingress: {
            controller: "gateway-api",
            host: "a.example.com",
            className: "x",
            gateway: { name: "g", namespace: "g" },
          },
        },
        "ingress.className",
        /does not apply to `ingress.controller: "gateway-api"`/,
      );
      expectProblem(
        { ingress: { controller: "aws-alb", tlsSecretName: "t" }, cors: undefined },
        "ingress.tlsSecretName",
        /Application Load Balancer, which takes ACM certificates: set `ingress.certificateArn`/,
      );
      expectProblem(
        {
          ingress: {
            controller: "gateway-api",
            host: "a.example.com",
            tlsSecretName: "t",
            gateway: { name: "g", namespace: "g" },
          },
          cors: undefined,
        },
        "ingress.tlsSecretName",
        /TLS is configured on the Gateway listener/,
      );
    });

    it("certificateArn only for aws-alb, and an ACM ARN", () => {
      expectProblem(
        { ingress: nginx({ certificateArn: CERT_ARN }) },
        "ingress.certificateArn",
        /`ingress.certificateArn` \("arn:aws:acm:.*"\) only applies to `ingress.controller: "aws-alb"`; for this controller set `ingress.tlsSecretName`/,
      );
      expectProblem(
        {
          ingress: {
            controller: "aws-alb",
            certificateArn: "arn:aws:iam::123456789012:server-certificate/x",
          },
        },
        "ingress.certificateArn",
        /must be an ACM certificate ARN/,
      );
    });

    it("gateway is required for gateway-api and only there, with object names and a boolean tls", () => {
      expectProblem(
        { ingress: { controller: "gateway-api", host: "a.example.com" }, cors: undefined },
        "ingress.gateway",
        /is required with `ingress.controller: "gateway-api"`: give the Gateway/,
      );
      expectProblem(
        { ingress: nginx({ gateway: { name: "g", namespace: "g" } }) },
        "ingress.gateway",
        /only applies to `ingress.controller: "gateway-api"`/,
      );
      const gw = (gateway: unknown) => ({
        ingress: { controller: "gateway-api", host: "a.example.com", gateway },
        cors: undefined,
      });
      expectProblem(
        gw({ name: "G W", namespace: "g" }),
        "ingress.gateway.name",
        /\("G W"\) must be a Kubernetes object name/,
      );
      expectProblem(
        gw({ name: "g" }),
        "ingress.gateway.namespace",
        /\(undefined\) must be a Kubernetes object name/,
      );
      expectProblem(
        gw({ name: "g", namespace: "g", tls: "yes" }),
        "ingress.gateway.tls",
        /must be true or false/,
      );
      expectProblem(gw("public"), "ingress.gateway", /must be an object such as/);
    });
  });

  describe("platform rules through the shared validator", () => {
    it("client-ip is refused where the controller cannot do it, with the reason and the fix", () => {
      expectProblem(
        {
          ingress: { controller: "traefik", tlsSecretName: "t" },
          stickiness: { mode: "client-ip" },
        },
        "stickiness.mode",
        /not available on Traefik \(Kubernetes Ingress\): Traefik's Kubernetes Ingress annotations only offer cookie stickiness/,
        /Use `stickiness.mode: "cookie"` or `transports: \["websocket"\]`$/,
      );
      expectProblem(
        {
          ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
          stickiness: { mode: "client-ip" },
        },
        "stickiness.mode",
        /has no source-IP stickiness \(only Network Load Balancers do\)/,
      );
      expectProblem(
        {
          ingress: {
            controller: "gateway-api",
            host: "a.example.com",
            gateway: {
              name: "g",
              namespace: "g",
              tls: true,
              implementation: "envoy-gateway",
              listener: "https",
            },
          },
          stickiness: { mode: "client-ip" },
        },
        "stickiness.mode",
        /only has Cookie and Header types/,
      );
    });

    it("GKE cannot name its cookie; the ALB reserves AWSALB*", () => {
      expectProblem(
        { ingress: { controller: "gke", tlsSecretName: "t" }, stickiness: { cookieName: "sio" } },
        "stickiness.cookieName",
        /cannot be set on GKE Ingress .*, which names its own cookie: remove it/,
      );
      expectProblem(
        {
          ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
          stickiness: { cookieName: "AWSALBX" },
        },
        "stickiness.cookieName",
        /starts with "AWSALB", which .* reserves/,
      );
    });

    it("ingress-nginx only accepts letters, digits, - _ . ~ in its cookie name", () => {
      expectProblem(
        { stickiness: { cookieName: "sio$node" } },
        "stickiness.cookieName",
        /^`stickiness\.cookieName` \("sio\$node"\) has characters ingress-nginx refuses in `session-cookie-name`: use letters, digits, "-", "_", "\." and "~", e\.g\. "SIO_NODE"$/,
      );
      assert.deepEqual(problems({ stickiness: { cookieName: "sio.node-1_a~b" } }), []);
      // Other controllers take any cookie token.
      assert.deepEqual(
        problems({
          ingress: { controller: "traefik", tlsSecretName: "t" },
          stickiness: { cookieName: "sio$node" },
        }),
        [],
      );
    });

    it("TTL and timeout ranges per controller", () => {
      expectProblem(
        { ingress: { controller: "gke", tlsSecretName: "t" }, stickiness: { ttlSeconds: 86401 } },
        "stickiness.ttlSeconds",
        /\(86401\) must be an integer from 0 to 86400 on GKE Ingress/,
      );
      expectProblem(
        {
          ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
          stickiness: { ttlSeconds: 604801 },
        },
        "stickiness.ttlSeconds",
        /from 1 to 604800 on the AWS Load Balancer Controller/,
      );
      expectProblem(
        {
          ingress: { controller: "aws-alb", certificateArn: CERT_ARN },
          connectionTimeoutSeconds: 4001,
        },
        "connectionTimeoutSeconds",
        /\(4001\) must be an integer from 1 to 4000/,
      );
    });

    it("https origins and cross-origin cookies need TLS, with this target's hint", () => {
      expectProblem(
        { ingress: { controller: "nginx" } },
        "cors.origins[0]",
        /is an https page, but the fleet is served over plain HTTP/,
        /Set `ingress.tlsSecretName`/,
      );
      expectProblem(
        { ingress: { controller: "aws-alb" }, cors: { origins: ["http://app.example.com"] } },
        "cors.origins",
        /needs HTTPS on the AWS Load Balancer Controller/,
        /Set `ingress.certificateArn`/,
      );
    });

    it("the Kubernetes arg names are known; a misspelt one is not", () => {
      expectProblem(
        { ingres: {} },
        "ingres",
        /`ingres` is not a known field: did you mean `ingress`\?/,
      );
    });
  });

  describe("redis", () => {
    it("mode is required and known", () => {
      expectProblem(
        { redis: "in-cluster" },
        "redis",
        /must be an object such as \{ mode: "in-cluster" \}/,
      );
      expectProblem({ redis: {} }, "redis.mode", /is required: "in-cluster" or "external"/);
      expectProblem(
        { redis: { mode: "sentinel" } },
        "redis.mode",
        /\("sentinel"\) must be one of "in-cluster", "external"/,
      );
    });

    it("in-cluster: storageGi is a whole number of GiB, the image a reference", () => {
      expectProblem(
        { redis: { mode: "in-cluster", storageGi: 0 } },
        "redis.storageGi",
        /\(0\) must be an integer from 1 to 1000/,
      );
      expectProblem(
        { redis: { mode: "in-cluster", storageGi: 2.5 } },
        "redis.storageGi",
        /\(2.5\) must be an integer/,
      );
      expectProblem(
        { redis: { mode: "in-cluster", image: "" } },
        "redis.image",
        /must be an image reference such as "valkey\/valkey:9.1.1-alpine"$/,
      );
      expectProblem(
        { redis: { mode: "in-cluster", url: "redis://x" } },
        "redis.url",
        /is not a known field/,
      );
    });

    it("external: a redis:// or rediss:// url (never echoed), a valid port", () => {
      expectProblem(
        { redis: { mode: "external" } },
        "redis.url",
        /is required with `redis.mode: "external"`/,
      );
      const bad = problems({ redis: { mode: "external", url: "http://:hunter2@r:6379" } }).filter(
        (p) => p.field === "redis.url",
      );
      assert.equal(bad.length, 1);
      assert.match(bad[0].message, /\(value not shown\) must start with redis:\/\/ or rediss:\/\//);
      assert.ok(!bad[0].message.includes("hunter2"), "the password is not echoed");
      assert.deepEqual(
        problems({ redis: { mode: "external", url: pulumi.secret("rediss://:pw@r:6380") } }),
        [],
        "an Output is accepted",
      );
      expectProblem(
        { redis: { mode: "external", url: "redis://r", port: 70000 } },
        "redis.port",
        /\(70000\) must be an integer from 1 to 65535/,
      );
      expectProblem(
        { redis: { mode: "external", url: "redis://r", storageGi: 1 } },
        "redis.storageGi",
        /is not a known field/,
      );
    });

    it("cluster: a boolean, external only (the in-cluster Valkey is one standalone pod)", () => {
      assert.deepEqual(
        problems({
          redis: { mode: "external", url: "rediss://:pw@r:6379", cluster: true },
          adapter: "redis-sharded",
        }),
        [],
      );
      expectProblem(
        { redis: { mode: "external", url: "rediss://:pw@r:6379", cluster: "yes" } },
        "redis.cluster",
        /^`redis.cluster` \("yes"\) must be true or false$/,
      );
      expectProblem(
        { redis: { mode: "in-cluster", cluster: true } },
        "redis.cluster",
        /^`redis.cluster` is not a known field; known fields: mode, storageGi, image$/,
      );
    });

    it("cluster: only the sharded adapter, refused at preview as the app refuses it at start", () => {
      const redis = { mode: "external", url: "rediss://:pw@r:6379", cluster: true } as const;
      assert.deepEqual(problems({ redis }), [
        {
          field: "adapter",
          message:
            '`adapter` ("redis") cannot run with `redis.cluster: true`: the classic adapter\'s PUBLISH is forwarded to every shard over the cluster bus (adding shards adds no capacity) and ElastiCache Serverless rejects its PSUBSCRIBE (socket.io-redis-adapter#553); use the redis-sharded adapter',
        },
      ]);
      expectProblem(
        { redis, adapter: "redis-streams" },
        "adapter",
        /^`adapter` \("redis-streams"\) cannot run with `redis.cluster: true`: its recovery sessions are written in one multi-key pipeline/,
      );
      assert.deepEqual(problems({ redis: { ...redis, cluster: false } }), []);
    });
  });

  describe("resources", () => {
    it("quantities must parse, and a request may not exceed its limit", () => {
      expectProblem(
        { resources: { requests: { cpu: "half" } } },
        "resources.requests.cpu",
        /\("half"\) must be a positive Kubernetes quantity such as "250m"/,
      );
      expectProblem(
        { resources: { limits: { memory: "512MB" } } },
        "resources.limits.memory",
        /\("512MB"\) must be a positive Kubernetes quantity such as "256Mi"/,
      );
      expectProblem(
        { resources: { requests: { cpu: "2" } } },
        "resources.requests.cpu",
        /`resources.requests.cpu` \("2"\) is above `resources.limits.cpu` \("1"\), which Kubernetes rejects/,
      );
      expectProblem(
        { resources: { requests: { memory: "1Gi" }, limits: { memory: "512Mi" } } },
        "resources.requests.memory",
        /\("1Gi"\) is above `resources.limits.memory` \("512Mi"\)/,
      );
      expectProblem(
        { resources: { request: {} } },
        "resources.request",
        /did you mean `resources.requests`/,
      );
      expectProblem({ resources: "small" }, "resources", /must be an object/);
    });
  });

  describe("autoscaling", () => {
    it("min and max are required, ordered, and contain replicas; target CPU is a percentage", () => {
      expectProblem({ autoscaling: { maxReplicas: 5 } }, "autoscaling.minReplicas", /is required/);
      expectProblem(
        { autoscaling: { minReplicas: 5, maxReplicas: 3 } },
        "autoscaling.maxReplicas",
        /\(3\) is below `autoscaling.minReplicas` \(5\): set it to at least 5/,
      );
      expectProblem(
        { replicas: 12, autoscaling: { minReplicas: 2, maxReplicas: 10 } },
        "replicas",
        /\(12\) is the initial count when autoscaling and must lie within .* \(2\.\.10\): set it to 10 or leave it out/,
      );
      expectProblem(
        { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 150 } },
        "autoscaling.targetCpuPercent",
        /\(150\) must be an integer from 1 to 100/,
      );
      expectProblem(
        { autoscaling: { minReplicas: 0, maxReplicas: 4 } },
        "autoscaling.minReplicas",
        /\(0\) must be an integer from 1 to 1000/,
      );
    });
  });

  it("the constructor throws one ResourceError listing every problem, shared and Kubernetes, at once", async () => {
    const mocks = await setupMocks();
    const args = {
      ...fleetArgs(),
      replicas: 0,
      stickiness: { mode: "client-ip" },
      ingress: { controller: "traefik", certificateArn: CERT_ARN },
      redis: { mode: "external" },
    } as unknown as KubernetesSocketIoFleetArgs;
    assert.throws(
      () => new KubernetesSocketIoFleet("chat", args),
      (err: unknown) => {
        assert.ok(pulumi.ResourceError.isInstance(err));
        const message = (err as Error).message;
        assert.match(message, /^Invalid socketio-fleet spec \(5 problems\):/);
        for (const field of [
          "`replicas`",
          "`stickiness.mode`",
          "`cors.origins[0]`",
          "`ingress.certificateArn`",
          "`redis.url`",
        ]) {
          assert.ok(message.includes(field), `${field} in ${message}`);
        }
        return true;
      },
    );
    await mocks.settled();
    assert.deepEqual(
      mocks.resources.filter((r) => r.type !== KUBERNETES_FLEET_TYPE).map((r) => r.type),
      [],
      "no child is created",
    );
  });

  it("transform as an arg: refused with where it moved (an option now)", () => {
    expectProblem(
      { transform: { deployment: () => undefined } },
      "transform",
      /no longer an arg/,
      /new KubernetesSocketIoFleet\(name, args, \{ transform: \{ … \} \}\)/,
      /`transforms` resource option/,
    );
  });

  it("the transform option: unknown child or not a function", () => {
    const unknown = validateKubernetesFleetTransform({ deploymnet: () => undefined });
    assert.deepEqual(
      unknown.map((p) => p.field),
      ["transform.deploymnet"],
    );
    assert.match(unknown[0].message, /did you mean `transform.deployment`/);
    const notAFunction = validateKubernetesFleetTransform({ ingress: "x" });
    assert.deepEqual(
      notAFunction.map((p) => p.field),
      ["transform.ingress"],
    );
    assert.match(notAFunction[0].message, /\("x"\) must be a function/);
    assert.deepEqual(validateKubernetesFleetTransform({ service: () => undefined }), []);
  });
});
