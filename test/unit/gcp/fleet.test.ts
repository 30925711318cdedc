import { strict as assert } from "node:assert";
import { withWarnings } from "../../helpers/warnings";
import { GCP_FLEET_TYPE, GcpSocketIoFleet } from "../../../components/gcp";
import { isSecretInput } from "../../helpers/mocks";
import { isKnown, isSecret, unwrap } from "../../helpers/unwrap";
import { AUTH_STRING, LB_IP, REDIS_HOST, REDIS_PORT, T, baseArgs, gcpMocks } from "./fixtures";

const REDIS_URL = `rediss://:${AUTH_STRING}@${REDIS_HOST}:${REDIS_PORT}`;

describe("GcpSocketIoFleet: outputs, parents, registration, preview", () => {
  it("registers as socketio-fleet:index:GcpSocketIoFleet (the schema analyzer's token)", () => {
    assert.equal(GCP_FLEET_TYPE, T.fleet);
  });

  it("exposes url, ipAddress, clientOptions, redisUrl (a secret) and the children", async () => {
    const mocks = await gcpMocks();
    const fleet = new GcpSocketIoFleet("fleet", baseArgs());
    await mocks.settled();
    assert.equal(await unwrap(fleet.url), `http://${LB_IP}`);
    assert.equal(await unwrap(fleet.ipAddress), LB_IP);
    assert.deepEqual(await unwrap(fleet.clientOptions), {
      transports: ["polling", "websocket"],
      path: "/socket.io/",
      withCredentials: false,
    });
    assert.equal(await unwrap(fleet.redisUrl), REDIS_URL);
    assert.equal(await isSecret(fleet.redisUrl), true);
    assert.equal(await unwrap(fleet.backendService.id), "fleet-backend-id");
    assert.equal(await unwrap(fleet.instanceGroupManager!.id), "fleet-nodes-id");
    assert.equal(fleet.cloudRunService, undefined);
  });

  it("url: https://<first domain> with domains; clientOptions with credentials for a same-site page", async () => {
    const mocks = await gcpMocks();
    const fleet = new GcpSocketIoFleet(
      "fleet",
      baseArgs({
        domains: ["ws.example.com", "chat.example.com"],
        cors: { origins: ["https://app.example.com"] },
      }),
    );
    await mocks.settled();
    assert.equal(await unwrap(fleet.url), "https://ws.example.com");
    assert.equal((await unwrap(fleet.clientOptions)).withCredentials, true);
  });

  it("makes the component the parent of every child, each named after it", async () => {
    const mocks = await gcpMocks();
    new GcpSocketIoFleet(
      "fleet",
      baseArgs({ domains: ["ws.example.com"], autoscaling: { minReplicas: 2, maxReplicas: 4 } }),
    );
    await mocks.settled();
    const component = mocks.one(T.fleet);
    const children = mocks.resources.filter((r) => r !== component);
    assert.deepEqual(children.map((r) => `${r.type.split(":")[1]}::${r.name}`).sort(), [
      "artifactregistry/repositoryIamMember::fleet-image-pull",
      "compute/backendService::fleet-backend",
      "compute/firewall::fleet-allow-gfe",
      "compute/globalAddress::fleet-ip",
      "compute/globalForwardingRule::fleet-http",
      "compute/globalForwardingRule::fleet-https",
      "compute/healthCheck::fleet-liveness",
      "compute/healthCheck::fleet-readiness",
      "compute/instanceTemplate::fleet-template",
      "compute/managedSslCertificate::fleet-cert",
      "compute/network::fleet-vpc",
      "compute/regionAutoscaler::fleet-autoscaler",
      "compute/regionInstanceGroupManager::fleet-nodes",
      "compute/sSLPolicy::fleet-tls",
      "compute/securityPolicy::fleet-armor",
      "compute/subnetwork::fleet-subnet",
      "compute/targetHttpProxy::fleet-http-proxy",
      "compute/targetHttpsProxy::fleet-https-proxy",
      "compute/uRLMap::fleet-redirect",
      "compute/uRLMap::fleet-urlmap",
      "monitoring/alertPolicy::fleet-balancer5xx",
      "monitoring/alertPolicy::fleet-clients-above-capacity",
      "monitoring/alertPolicy::fleet-node-not-ready",
      "monitoring/alertPolicy::fleet-ready-nodes-below-minimum",
      "monitoring/alertPolicy::fleet-redis-disconnected",
      "monitoring/alertPolicy::fleet-redis-memory-high",
      "monitoring/alertPolicy::fleet-stickiness-broken",
      "monitoring/dashboard::fleet-dashboard",
      "projects/iAMMember::fleet-logging-logwriter",
      "projects/iAMMember::fleet-monitoring-metricwriter",
      "redis/instance::fleet-redis",
      "secretmanager/secret::fleet-redis-url",
      "secretmanager/secretIamMember::fleet-redis-url-access",
      "secretmanager/secretVersion::fleet-redis-url",
      "serviceaccount/account::fleet-nodes",
    ]);
    for (const child of children) {
      assert.equal(child.parent, component.urn, `${child.type}::${child.name}`);
      assert.ok(child.name.startsWith("fleet-"), `${child.name} does not derive from the name`);
    }
  });

  it("registers its outputs", async () => {
    const mocks = await gcpMocks();
    new GcpSocketIoFleet("fleet", baseArgs());
    await mocks.settled();
    const outputs = mocks.registeredOutputs.get(mocks.one(T.fleet).urn);
    assert.ok(outputs, "registerOutputs was not called");
    assert.deepEqual(Object.keys(outputs).sort(), [
      "alertPolicies",
      "backendService",
      "clientOptions",
      "connectionsPerNode",
      "dashboard",
      "firewall",
      "instanceGroupManager",
      "instanceTemplate",
      "ipAddress",
      "network",
      "redisInstance",
      "redisSecret",
      "redisUrl",
      "securityPolicy",
      "serviceAccount",
      "subnetwork",
      "url",
      "urlMap",
    ]);
    assert.equal(outputs.url, `http://${LB_IP}`);
    assert.ok(isSecretInput(outputs.redisUrl), "redisUrl must be registered as a secret");
  });

  it("constructs in preview with unknown outputs (the cloud-init waits for them)", async () => {
    const mocks = await gcpMocks({ preview: true });
    const fleet = new GcpSocketIoFleet("fleet", baseArgs({ domains: ["ws.example.com"] }));
    await mocks.settled();
    assert.equal(await isKnown(fleet.ipAddress), false);
    assert.equal(await isKnown(fleet.redisUrl), false);
    assert.equal(await unwrap(fleet.url), "https://ws.example.com", "known from the args");
    const names = mocks.resources.map((r) => `${r.type}::${r.name}`);
    for (const expected of [
      `${T.backend}::fleet-backend`,
      `${T.group}::fleet-nodes`,
      `${T.template}::fleet-template`,
      `${T.redis}::fleet-redis`,
      `${T.secretVersion}::fleet-redis-url`,
      `${T.httpsProxy}::fleet-https-proxy`,
      `${T.forwardingRule}::fleet-https`,
    ]) {
      assert.ok(names.includes(expected), `${expected} missing in preview`);
    }
    assert.equal(mocks.one(T.backend).inputs.sessionAffinity, "GENERATED_COOKIE");
    const userData = mocks.one(T.template).inputs.metadata["user-data"];
    assert.notEqual(typeof userData, "string", "user-data stays unknown in preview");
  });

  it("transform (TypeScript-only, in the resource options) changes a child's args; the options reach the component", async () => {
    const mocks = await gcpMocks();
    const protect = true;
    new GcpSocketIoFleet("fleet", baseArgs(), {
      protect,
      transform: {
        backendService: (args) => {
          args.description = "tuned";
          args.customResponseHeaders = ["X-Fleet: gcp"];
        },
        instanceTemplate: (args) => {
          args.machineType = "n2-standard-2";
        },
      },
    });
    await mocks.settled();
    const backend = mocks.one(T.backend).inputs;
    assert.deepEqual(
      [backend.description, backend.customResponseHeaders],
      ["tuned", ["X-Fleet: gcp"]],
    );
    assert.equal(mocks.one(T.template).inputs.machineType, "n2-standard-2");
  });

  it("sslCertificates without domains: warns that url names the IP address", async () => {
    const mocks = await gcpMocks();
    const { warnings, result: fleet } = await withWarnings(async () => {
      const built = new GcpSocketIoFleet(
        "fleet",
        baseArgs({ sslCertificates: ["projects/p/global/sslCertificates/c"] }),
      );
      await mocks.settled();
      return built;
    });
    assert.equal(await unwrap(fleet.url), `https://${LB_IP}`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /`sslCertificates` are set without `domains`/);
  });
});
