/** Shared mocks and args for the GCP component tests. */
import { parse } from "yaml";
import { GcpSocketIoFleet, type GcpSocketIoFleetArgs } from "../../../components/gcp";
import { type MockOptions, type MockRecorder, setupMocks } from "../../helpers/mocks";

export const T = {
  fleet: "socketio-fleet:index:GcpSocketIoFleet",
  network: "gcp:compute/network:Network",
  subnetwork: "gcp:compute/subnetwork:Subnetwork",
  router: "gcp:compute/router:Router",
  nat: "gcp:compute/routerNat:RouterNat",
  firewall: "gcp:compute/firewall:Firewall",
  template: "gcp:compute/instanceTemplate:InstanceTemplate",
  group: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  autoscaler: "gcp:compute/regionAutoscaler:RegionAutoscaler",
  healthCheck: "gcp:compute/healthCheck:HealthCheck",
  backend: "gcp:compute/backendService:BackendService",
  urlMap: "gcp:compute/uRLMap:URLMap",
  httpProxy: "gcp:compute/targetHttpProxy:TargetHttpProxy",
  httpsProxy: "gcp:compute/targetHttpsProxy:TargetHttpsProxy",
  forwardingRule: "gcp:compute/globalForwardingRule:GlobalForwardingRule",
  address: "gcp:compute/globalAddress:GlobalAddress",
  certificate: "gcp:compute/managedSslCertificate:ManagedSslCertificate",
  sslPolicy: "gcp:compute/sSLPolicy:SSLPolicy",
  armor: "gcp:compute/securityPolicy:SecurityPolicy",
  neg: "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup",
  run: "gcp:cloudrunv2/service:Service",
  redis: "gcp:redis/instance:Instance",
  secret: "gcp:secretmanager/secret:Secret",
  secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
  secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
  account: "gcp:serviceaccount/account:Account",
  projectIam: "gcp:projects/iAMMember:IAMMember",
  repoIam: "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  dashboard: "gcp:monitoring/dashboard:Dashboard",
} as const;

/** The random suffix the engine's auto-naming would give a child (its `name` output). */
export const AUTONAME = (name: string) => `${name}-a1b2c3d`;

export const PROJECT = "acme-test";
/** The per-stack ids of fleet "fleet" in Pulumi project "socketio-fleet", stack "test". */
export const ACCOUNT_ID = "fleet-847ef8";
export const SECRET_ID = "fleet-redis-url-847ef8";
export const REGION = "europe-west1";
export const AUTH_STRING = "0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6";
export const REDIS_HOST = "10.20.0.3";
export const REDIS_PORT = 6378;
export const LB_IP = "34.120.1.2";
export const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBmockCAcert\n-----END CERTIFICATE-----";
export const SECRET_VERSION = (name: string) => `projects/123456789/secrets/${name}/versions/1`;
/** Pinned by digest, as the instance group requires. */
export const DIGEST = `sha256:${"4f".repeat(32)}`;
export const IMAGE = `${REGION}-docker.pkg.dev/${PROJECT}/apps/chat@${DIGEST}`;

/** Invokes the component makes; anything else throws. */
export const GCP_CALLS: NonNullable<MockOptions["calls"]> = {
  "gcp:organizations/getClientConfig:getClientConfig": () => ({
    project: PROJECT,
    region: REGION,
    zone: `${REGION}-b`,
    accessToken: "unused",
    id: PROJECT,
  }),
};

/** Computed outputs of the resources, as the engine would return them after `up`. */
export const GCP_OUTPUTS: NonNullable<MockOptions["outputs"]> = {
  [T.redis]: ({ name }) => ({
    name: AUTONAME(name),
    host: REDIS_HOST,
    port: REDIS_PORT,
    authString: AUTH_STRING,
    serverCaCerts: [{ cert: `${CA_PEM}\n`, sha1Fingerprint: "ab" }],
  }),
  [T.address]: () => ({ address: LB_IP }),
  [T.secretVersion]: ({ name }) => ({ name: SECRET_VERSION(name), version: "1" }),
  [T.account]: ({ inputs }) => ({
    email: `${inputs.accountId}@${PROJECT}.iam.gserviceaccount.com`,
    member: `serviceAccount:${inputs.accountId}@${PROJECT}.iam.gserviceaccount.com`,
  }),
  [T.group]: ({ name }) => ({
    instanceGroup: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/${REGION}/instanceGroups/${name}`,
  }),
  [T.template]: ({ name }) => ({ selfLinkUnique: `${name}-template-link?uniqueId=1` }),
  [T.run]: ({ name }) => ({ name, uri: `https://${name}.run.app` }),
  [T.router]: ({ name }) => ({ name }),
  [T.backend]: ({ name }) => ({ name: AUTONAME(name) }),
};

export async function gcpMocks(options: MockOptions = {}): Promise<MockRecorder> {
  return setupMocks({
    ...options,
    calls: { ...GCP_CALLS, ...options.calls },
    outputs: { ...GCP_OUTPUTS, ...options.outputs },
  });
}

export function baseArgs(extra: Partial<GcpSocketIoFleetArgs> = {}): GcpSocketIoFleetArgs {
  return { image: IMAGE, region: REGION, deletionProtection: false, ...extra };
}

/** A websocket-only fleet on Cloud Run (what Cloud Run mode requires). */
export const CLOUD_RUN_WEBSOCKET_ONLY = {
  compute: { mode: "cloud-run" },
  transports: ["websocket"],
  stickiness: { mode: "none" },
} as const satisfies Partial<GcpSocketIoFleetArgs>;

/** Builds a Cloud Run fleet with `args` over `baseArgs` and waits for every registration. */
export async function buildCloudRun(
  args: Partial<GcpSocketIoFleetArgs> = {},
): Promise<MockRecorder> {
  const mocks = await gcpMocks();
  new GcpSocketIoFleet("fleet", baseArgs({ ...CLOUD_RUN_WEBSOCKET_ONLY, ...args }));
  await mocks.settled();
  return mocks;
}

/** The instance template's cloud-config, parsed, with its files by path. */
export function cloudConfig(mocks: MockRecorder) {
  const text = mocks.one(T.template).inputs.metadata["user-data"] as string;
  const config = parse(text) as {
    users: { name: string; uid: number }[];
    write_files: { path: string; permissions: string; owner: string; content: string }[];
    runcmd: string[];
  };
  const files = Object.fromEntries(config.write_files.map((f) => [f.path, f.content]));
  return { text, config, files };
}

/** `KEY=value` lines of an env file. */
export function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}
