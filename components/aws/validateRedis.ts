/** The AWS rules for `redis` (managed ElastiCache or an external URL). */
import { X509Certificate } from "node:crypto";
import { isRecord, show } from "../shared/checks";
import {
  type Add,
  checkEnum,
  checkInteger,
  checkKnownKeys,
  isOutputValue,
  outputObjectMessage,
} from "../shared/ruleKit";
import { CLUSTER_REDIS_KEYS, checkClusterModeRedis, checkServerlessRedis } from "./validateValkey";

export function checkRedis(value: unknown, add: Add) {
  if (value === undefined) return;
  if (isOutputValue(value)) {
    add("redis", outputObjectMessage("redis", '{ mode: "external", url, cidrIpv4 }'));
    return;
  }
  if (!isRecord(value)) {
    add("redis", `\`redis\` (${show(value)}) must be an object such as { mode: "managed" }`);
    return;
  }
  if (value.mode === undefined) {
    add("redis.mode", '`redis.mode` is required: "managed", "serverless" or "external"');
    return;
  }
  if (!checkEnum(value.mode, "redis.mode", ["managed", "serverless", "external"], add)) return;
  if (value.mode === "serverless") {
    checkServerlessRedis(value, add);
    return;
  }
  if (value.mode === "managed") {
    if (value.tlsCa !== undefined) {
      add(
        "redis.tlsCa",
        '`redis.tlsCa` applies only to `redis.mode: "external"`: ElastiCache\'s certificates chain to a public CA the app already trusts; remove it',
      );
    }
    // `tlsCa` is reported above, not as an unknown field.
    checkKnownKeys(
      value,
      "redis.",
      ["mode", "nodeType", "replicas", "engine", "tlsCa", ...CLUSTER_REDIS_KEYS],
      add,
    );
    checkClusterModeRedis(value, add);
    const nodeType = value.nodeType;
    if (
      nodeType !== undefined &&
      (typeof nodeType !== "string" || !/^cache\.[a-z0-9-]+\.[a-z0-9]+$/.test(nodeType))
    ) {
      add(
        "redis.nodeType",
        `\`redis.nodeType\` (${show(nodeType)}) is not an ElastiCache node type: write it as "cache.t4g.small"`,
      );
    }
    checkInteger(
      value,
      "replicas",
      0,
      5,
      "redis.",
      add,
      " (ElastiCache allows 5 replicas per shard)",
    );
    checkEnum(value.engine, "redis.engine", ["redis", "valkey"], add);
    return;
  }
  checkKnownKeys(value, "redis.", ["mode", "url", "port", "cidrIpv4", "tlsCa"], add);
  const url = value.url;
  if (url === undefined || url === null) {
    add("redis.url", '`redis.url` is required with `redis.mode: "external"`: give a rediss:// URL');
  } else if (
    typeof url !== "object" &&
    (typeof url !== "string" || !/^rediss?:\/\/\S+$/.test(url))
  ) {
    // The URL holds a password: never echo it.
    add(
      "redis.url",
      "`redis.url` (value not shown: it may hold a password) must start with redis:// or rediss://, e.g. rediss://:TOKEN@host:6379",
    );
  }
  checkInteger(value, "port", 1, 65535, "redis.", add);
  checkTlsCa(value.tlsCa, url, add);
  const cidr = value.cidrIpv4;
  if (cidr === undefined || cidr === null) {
    add(
      "redis.cidrIpv4",
      '`redis.cidrIpv4` is required with `redis.mode: "external"`: give the IPv4 range of the Redis network, e.g. "10.1.0.0/16" ' +
        '(the tasks may reach only it on `redis.port`; "0.0.0.0/0" opens that port to the whole internet, so it is never a default)',
    );
  } else if (typeof cidr !== "string" || !isIpv4Cidr(cidr)) {
    add(
      "redis.cidrIpv4",
      `\`redis.cidrIpv4\` (${show(cidr)}) must be an IPv4 CIDR such as "10.0.0.0/16"`,
    );
  }
}

/**
 * `redis.tlsCa`: one or more PEM certificates Node can parse (`X509Certificate`, the parser
 * `tls.connect({ ca })` uses), and only beside a `rediss://` URL (plain `redis://` has no TLS to
 * verify; the app refuses that pair at start as well, which covers a URL given as an Output).
 */
function checkTlsCa(ca: unknown, url: unknown, add: Add) {
  if (ca === undefined || isOutputValue(ca)) return;
  if (typeof ca !== "string") {
    add("redis.tlsCa", `\`redis.tlsCa\` (${show(ca)}) must be PEM certificate text`);
    return;
  }
  const blocks = ca.match(PEM_CERTIFICATE) ?? [];
  const unparsed = blocks.findIndex((block) => !isCertificate(block));
  if (blocks.length === 0 || unparsed >= 0) {
    add(
      "redis.tlsCa",
      blocks.length === 0
        ? "`redis.tlsCa` must be PEM certificate text (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----), e.g. the contents of the Redis CA's ca.crt"
        : `\`redis.tlsCa\`: certificate ${unparsed + 1} of ${blocks.length} is not a valid X.509 certificate; paste the CA's PEM file unchanged`,
    );
  }
  if (typeof url === "string" && url.startsWith("redis://")) {
    add(
      "redis.tlsCa",
      "`redis.tlsCa` is set but `redis.url` (value not shown) is redis://, which has no TLS: use rediss:// or remove `redis.tlsCa`",
    );
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function isCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

function isIpv4Cidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}
