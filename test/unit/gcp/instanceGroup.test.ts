import { strict as assert } from "node:assert";
import { GcpSocketIoFleet, type GcpSocketIoFleetArgs } from "../../../components/gcp";
import { isSecretInput, type MockRecorder } from "../../helpers/mocks";
import {
  ACCOUNT_ID,
  AUTH_STRING,
  CA_PEM,
  DIGEST,
  PROJECT,
  REDIS_HOST,
  REDIS_PORT,
  REGION,
  SECRET_ID,
  SECRET_VERSION,
  T,
  baseArgs,
  cloudConfig,
  gcpMocks,
  parseEnvFile,
} from "./fixtures";

const SA = `${ACCOUNT_ID}@${PROJECT}.iam.gserviceaccount.com`;
const MEMBER = `serviceAccount:${SA}`;

async function build(args: Partial<GcpSocketIoFleetArgs> = {}): Promise<MockRecorder> {
  const mocks = await gcpMocks();
  new GcpSocketIoFleet("fleet", baseArgs(args));
  await mocks.settled();
  return mocks;
}

describe("GcpSocketIoFleet: the instance group, its network, identity and Redis", () => {
  it("instance template: COS, no public IP (no accessConfigs), Shielded VM, OS Login, project SSH keys blocked, the fleet's service account", async () => {
    const mocks = await build();
    const template = { ...mocks.one(T.template).inputs };
    const { "user-data": userData, ...metadata } = template.metadata;
    delete template.metadata;
    assert.ok(String(userData).startsWith("#cloud-config\n"));
    assert.deepEqual(metadata, { "enable-oslogin": "TRUE", "block-project-ssh-keys": "true" });
    assert.deepEqual(template, {
      region: REGION,
      description: "Socket.IO fleet node (socketio-fleet)",
      machineType: "e2-small",
      disks: [
        {
          sourceImage: "cos-cloud/cos-stable",
          boot: true,
          autoDelete: true,
          diskType: "pd-balanced",
        },
      ],
      networkInterfaces: [{ subnetwork: "fleet-subnet-id" }],
      serviceAccount: { email: SA, scopes: ["https://www.googleapis.com/auth/cloud-platform"] },
      shieldedInstanceConfig: {
        enableSecureBoot: true,
        enableVtpm: true,
        enableIntegrityMonitoring: true,
      },
      scheduling: { automaticRestart: true, onHostMaintenance: "MIGRATE" },
      labels: { "socketio-fleet": "fleet" },
    });
    assert.ok(!("gce-container-declaration" in metadata), "no deprecated container declaration");
    assert.ok(!String(userData).includes(AUTH_STRING), "the Redis password is not in metadata");
  });

  it("instance group: zones left to the API (no live lookup), the named port, autohealing on the liveness check, surge 4 / unavailable 0", async () => {
    const mocks = await build({ replicas: 4, compute: { autohealingInitialDelaySeconds: 240 } });
    const group = mocks.one(T.group);
    assert.deepEqual(group.inputs, {
      region: REGION,
      description: "Socket.IO fleet nodes (socketio-fleet)",
      baseInstanceName: "fleet",
      versions: [{ name: "primary", instanceTemplate: "fleet-template-template-link?uniqueId=1" }],
      targetSize: 4,
      namedPorts: [{ name: "http", port: 3000 }],
      autoHealingPolicies: { healthCheck: "fleet-liveness-id", initialDelaySec: 240 },
      updatePolicy: {
        type: "PROACTIVE",
        minimalAction: "REPLACE",
        replacementMethod: "SUBSTITUTE",
        maxSurgeFixed: 4,
        maxUnavailableFixed: 0,
        minReadySec: 30,
      },
    });
    // Zone outage / a new zone: nothing is looked up at `up`, so nothing feeds the ForceNew
    // `distributionPolicyZones` (the strict mocks would also throw on a getZones invoke).
    assert.deepEqual(
      mocks.invokes.map((i) => i.token),
      ["gcp:organizations/getClientConfig:getClientConfig"],
    );
    // The group waits for the secret, its IAM binding and the firewall.
    const deps = group.dependencies.map((urn) => mocks.byUrn(urn)?.name).sort();
    for (const name of [
      "fleet-allow-gfe",
      "fleet-redis-url",
      "fleet-redis-url-access",
      "fleet-image-pull",
    ]) {
      assert.ok(deps.includes(name), `depends on ${name}: ${deps.join(", ")}`);
    }
    assert.equal(mocks.ofType(T.autoscaler).length, 0);
  });

  it("compute.zones: the listed zones, as given, and a surge of one VM per zone", async () => {
    const zones = ["europe-west1-c", "europe-west1-b"];
    const mocks = await build({ compute: { zones } });
    const group = mocks.one(T.group).inputs;
    assert.deepEqual(group.distributionPolicyZones, zones);
    assert.equal(group.updatePolicy.maxSurgeFixed, 2);
  });

  it("autoscaling: a regional autoscaler on CPU and connections per VM with slow scale-in; the group's size left to it", async () => {
    const mocks = await build({
      autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuPercent: 50 },
    });
    assert.deepEqual(mocks.one(T.autoscaler).inputs, {
      region: REGION,
      target: "fleet-nodes-id",
      autoscalingPolicy: {
        minReplicas: 2,
        maxReplicas: 8,
        cooldownPeriod: 180,
        cpuUtilization: { target: 0.5 },
        // e2-small: 2048 MiB − 384 (COS) − 256 (collector) = 1408 MiB → 32,700 connections.
        metrics: [
          {
            name: "prometheus.googleapis.com/socketio_connected_clients/gauge",
            filter:
              'resource.type = "prometheus_target" AND resource.labels.job = "socketio-fleet" AND resource.labels.namespace = "fleet-847ef8"',
            singleInstanceAssignment: 32700,
          },
        ],
        scaleInControl: { maxScaledInReplicas: { fixed: 1 }, timeWindowSec: 600 },
      },
    });
  });

  it("firewall: only the app port, only from Google front ends and health checkers, only to the fleet's VMs", async () => {
    const mocks = await build({ containerPort: 8080 });
    assert.deepEqual(mocks.one(T.firewall).inputs, {
      network: "fleet-vpc-id",
      description: "Socket.IO fleet: the app port from Google front ends and health checks only",
      direction: "INGRESS",
      priority: 1000,
      sourceRanges: ["35.191.0.0/16", "130.211.0.0/22"],
      targetServiceAccounts: [SA],
      allows: [{ protocol: "tcp", ports: ["8080"] }],
      logConfig: { metadata: "EXCLUDE_ALL_METADATA" },
    });
  });

  it("network: a custom-mode VPC and one subnetwork with Private Google Access and flow logs; no NAT by default", async () => {
    const mocks = await build();
    assert.deepEqual(mocks.one(T.network).inputs, {
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      description: "Socket.IO fleet (socketio-fleet)",
    });
    assert.deepEqual(mocks.one(T.subnetwork).inputs, {
      region: REGION,
      network: "fleet-vpc-id",
      ipCidrRange: "10.10.0.0/20",
      privateIpGoogleAccess: true,
      logConfig: {
        aggregationInterval: "INTERVAL_5_SEC",
        flowSampling: 0.5,
        metadata: "INCLUDE_ALL_METADATA",
      },
    });
    assert.equal(mocks.ofType(T.nat).length, 0);
    const withNat = await build({ compute: { natEgress: true } });
    assert.deepEqual(withNat.one(T.nat).inputs, {
      region: REGION,
      router: "fleet-router",
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: "fleet-subnet-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
  });

  it("an existing network: no VPC created; Memorystore, firewall and VMs use it", async () => {
    const network = "projects/acme/global/networks/prod";
    const subnetwork = "projects/acme/regions/europe-west1/subnetworks/apps";
    const mocks = await build({ network: { network, subnetwork } });
    assert.equal(mocks.ofType(T.network).length, 0);
    assert.equal(mocks.ofType(T.subnetwork).length, 0);
    assert.equal(mocks.one(T.redis).inputs.authorizedNetwork, network);
    assert.equal(mocks.one(T.firewall).inputs.network, network);
    assert.deepEqual(mocks.one(T.template).inputs.networkInterfaces, [{ subnetwork }]);
  });

  it("service account: logs and metrics on the project, its one secret, the image's repository; nothing else", async () => {
    const mocks = await build();
    assert.deepEqual(mocks.one(T.account).inputs, {
      project: PROJECT, // the provider's (getClientConfig), as no `project` is given
      accountId: ACCOUNT_ID,
      displayName: "Socket.IO fleet fleet nodes",
    });
    assert.deepEqual(
      mocks.ofType(T.projectIam).map((r) => r.inputs),
      [
        { project: PROJECT, role: "roles/logging.logWriter", member: MEMBER },
        { project: PROJECT, role: "roles/monitoring.metricWriter", member: MEMBER },
      ],
    );
    assert.deepEqual(mocks.one(T.secretIam).inputs, {
      secretId: "fleet-redis-url-id",
      role: "roles/secretmanager.secretAccessor",
      member: MEMBER,
    });
    assert.deepEqual(mocks.one(T.repoIam).inputs, {
      project: PROJECT,
      location: REGION,
      repository: "apps",
      role: "roles/artifactregistry.reader",
      member: MEMBER,
    });
  });

  it("an image outside Artifact Registry: no registry role", async () => {
    const mocks = await build({ image: `ghcr.io/acme/chat@${DIGEST}` });
    assert.equal(mocks.ofType(T.repoIam).length, 0);
    assert.ok(!cloudConfig(mocks).text.includes("docker-credential-gcr"));
  });

  it("Memorystore: Standard tier, Redis 7.2, AUTH, TLS (SERVER_AUTHENTICATION), on the fleet's network, noeviction", async () => {
    const mocks = await build({ redis: { memorySizeGb: 5 } });
    assert.deepEqual(mocks.one(T.redis).inputs, {
      region: REGION,
      tier: "STANDARD_HA",
      memorySizeGb: 5,
      redisVersion: "REDIS_7_2",
      authorizedNetwork: "fleet-vpc-id",
      connectMode: "DIRECT_PEERING",
      authEnabled: true,
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      redisConfigs: { "maxmemory-policy": "noeviction" },
      deletionProtection: false,
      labels: { "socketio-fleet": "fleet" },
    });
  });

  it("Secret Manager: the rediss:// URL with the auth string as a secret version; the VMs read exactly that version", async () => {
    const mocks = await build({ deletionProtection: true });
    assert.deepEqual(mocks.one(T.secret).inputs, {
      secretId: SECRET_ID,
      replication: { auto: {} },
      labels: { "socketio-fleet": "fleet" },
      deletionProtection: true,
    });
    const version = mocks.one(T.secretVersion);
    // Rotated secret: the replaced version is abandoned (not destroyed or disabled), so old VMs
    // still rolling out can read it; the template pins the new one's name, so a rotation rolls.
    assert.deepEqual(version.inputs, {
      secret: "fleet-redis-url-id",
      secretData: `rediss://:${AUTH_STRING}@${REDIS_HOST}:${REDIS_PORT}`,
      deletionPolicy: "ABANDON",
    });
    assert.ok(isSecretInput(version.rawInputs.secretData), "stored as a Pulumi secret");
    assert.equal(mocks.one(T.redis).inputs.deletionProtection, true);
    const fetch = cloudConfig(mocks).files["/etc/socketio-fleet/fetch-redis-url.sh"];
    assert.ok(
      fetch.includes(
        `'https://secretmanager.googleapis.com/v1/${SECRET_VERSION("fleet-redis-url")}:access'`,
      ),
      fetch,
    );
  });

  it("app environment: the contract, keep-alive 620 s above the front ends' 600 s, the Memorystore CA; no REDIS_URL", async () => {
    const mocks = await build({ env: { LOG_LEVEL: "debug", FEATURE: "x" } });
    const { files } = cloudConfig(mocks);
    assert.deepEqual(parseEnvFile(files["/etc/socketio-fleet/app.env"]), {
      CORS_CREDENTIALS: "true",
      CORS_ORIGINS: "",
      FEATURE: "x",
      HEALTH_CHECK_PATH: "/healthz",
      HTTP_KEEPALIVE_TIMEOUT_MS: "620000",
      LOG_LEVEL: "debug",
      // The ceiling from memory: 1408 MiB for the app holds (1408 − 128) × 1024 ÷ 20 connections.
      MAX_CONNECTIONS: "65536",
      METRICS_PORT: "9464",
      PING_INTERVAL_MS: "25000",
      PING_TIMEOUT_MS: "20000",
      PORT: "3000",
      REDIS_MODE: "standalone",
      SOCKETIO_ADAPTER: "redis",
      SOCKETIO_TRANSPORTS: "polling,websocket",
      STICKINESS_MODE: "cookie",
    });
    assert.equal(files["/etc/socketio-fleet/redis-ca.pem"], CA_PEM);
  });

  it("an external Redis: no Memorystore, its URL in Secret Manager, its CA if given", async () => {
    const mocks = await build({
      redis: {
        mode: "external",
        url: "rediss://:pw-0123456789abcdef@10.9.0.5:6380",
        tlsCa: CA_PEM,
      },
    });
    assert.equal(mocks.ofType(T.redis).length, 0);
    assert.equal(
      mocks.one(T.secretVersion).inputs.secretData,
      "rediss://:pw-0123456789abcdef@10.9.0.5:6380",
    );
    assert.equal(cloudConfig(mocks).files["/etc/socketio-fleet/redis-ca.pem"], CA_PEM);
  });
});
