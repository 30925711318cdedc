/** The Kubernetes target's rules on `ingress` (the controller, host, TLS and Gateway fields). */
import { isRecord, show } from "../shared/checks";
import { type Add, checkEnum, checkKnownKeys } from "../shared/ruleKit";
import {
  GATEWAY_CHANNELS,
  GATEWAY_IMPLEMENTATIONS,
  GATEWAY_RELEASES,
  INGRESS_CONTROLLERS,
} from "./args";

export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function checkIngress(value: unknown, add: Add) {
  if (!isRecord(value)) {
    add(
      "ingress",
      `\`ingress\` (${show(value)}) is required: an object such as { controller: "traefik", host: "chat.example.com" }`,
    );
    return;
  }
  const known = ["controller", "host", "className", "tlsSecretName", "certificateArn", "gateway"];
  known.push("clientAddress"); // nginx client-ip only: checked in validate.ts
  checkKnownKeys(value, "ingress.", known, add);
  const c = value.controller;
  if (c === undefined) {
    add(
      "ingress.controller",
      `\`ingress.controller\` is required: one of ${INGRESS_CONTROLLERS.map((x) => `"${x}"`).join(", ")}`,
    );
  } else {
    checkEnum(c, "ingress.controller", INGRESS_CONTROLLERS, add);
  }
  if (value.host !== undefined) {
    if (typeof value.host !== "string" || !DNS_SUBDOMAIN.test(value.host)) {
      add(
        "ingress.host",
        `\`ingress.host\` (${show(value.host)}) must be a lower-case DNS name without scheme or port, e.g. "chat.example.com"`,
      );
    }
  } else if (c === "gateway-api") {
    add(
      "ingress.host",
      '`ingress.host` is required with `ingress.controller: "gateway-api"`: the HTTPRoute matches it, and the `url` cannot be read from a Gateway this component does not own',
    );
  }
  for (const key of ["className", "tlsSecretName"] as const) {
    const v = value[key];
    if (v !== undefined && (typeof v !== "string" || !DNS_SUBDOMAIN.test(v))) {
      add(
        `ingress.${key}`,
        `\`ingress.${key}\` (${show(v)}) must be a Kubernetes object name: lower-case letters, digits, "-" and "."`,
      );
    }
  }
  if (value.className !== undefined && c === "gateway-api") {
    add(
      "ingress.className",
      `\`ingress.className\` (${show(value.className)}) does not apply to \`ingress.controller: "gateway-api"\` (the Gateway picks its class): remove it`,
    );
  }
  if (value.tlsSecretName !== undefined && (c === "aws-alb" || c === "gateway-api")) {
    add(
      "ingress.tlsSecretName",
      c === "aws-alb"
        ? `\`ingress.tlsSecretName\` (${show(value.tlsSecretName)}) does not apply to an Application Load Balancer, which takes ACM certificates: set \`ingress.certificateArn\` instead`
        : `\`ingress.tlsSecretName\` (${show(value.tlsSecretName)}) does not apply to an HTTPRoute: TLS is configured on the Gateway listener; remove it and set \`ingress.gateway.tls: true\``,
    );
  }
  checkCertificateArn(value.certificateArn, c, add);
  checkGateway(value.gateway, c, add);
}

function checkCertificateArn(arn: unknown, controller: unknown, add: Add) {
  const field = "ingress.certificateArn";
  if (arn === undefined) return;
  if (controller !== "aws-alb") {
    add(
      field,
      `\`${field}\` (${show(arn)}) only applies to \`ingress.controller: "aws-alb"\`${controller === "gateway-api" ? "" : "; for this controller set `ingress.tlsSecretName` to a TLS Secret"}: remove it`,
    );
  } else if (
    typeof arn !== "string" ||
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/\S+$/.test(arn)
  ) {
    add(
      field,
      `\`${field}\` (${show(arn)}) must be an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/…"`,
    );
  }
}

function checkGateway(gateway: unknown, controller: unknown, add: Add) {
  const field = "ingress.gateway";
  if (gateway === undefined) {
    if (controller === "gateway-api") {
      add(
        field,
        `\`${field}\` is required with \`ingress.controller: "gateway-api"\`: give the Gateway to attach to, e.g. { name: "public", namespace: "gateway" }`,
      );
    }
    return;
  }
  if (controller !== undefined && controller !== "gateway-api") {
    add(
      field,
      `\`${field}\` (${show(gateway)}) only applies to \`ingress.controller: "gateway-api"\`: remove it`,
    );
    return;
  }
  if (!isRecord(gateway)) {
    add(
      field,
      `\`${field}\` (${show(gateway)}) must be an object such as { name: "public", namespace: "gateway" }`,
    );
    return;
  }
  checkKnownKeys(
    gateway,
    `${field}.`,
    ["name", "namespace", "tls", "implementation", "listener", "channel", "release"],
    add,
  );
  for (const key of ["name", "namespace"] as const) {
    const v = gateway[key];
    if (typeof v !== "string" || !DNS_SUBDOMAIN.test(v)) {
      add(
        `${field}.${key}`,
        `\`${field}.${key}\` (${show(v)}) must be a Kubernetes object name such as "public"`,
      );
    }
  }
  if (gateway.tls !== undefined && typeof gateway.tls !== "boolean") {
    add(`${field}.tls`, `\`${field}.tls\` (${show(gateway.tls)}) must be true or false`);
  }
  checkGatewayImplementation(gateway, add);
}

/** `implementation` (required), `listener` (required with TLS), `channel` and `release`. */
function checkGatewayImplementation(gateway: Record<string, unknown>, add: Add) {
  const field = "ingress.gateway";
  if (gateway.implementation === undefined) {
    add(
      `${field}.implementation`,
      `\`${field}.implementation\` is required: the implementation running the Gateway decides how sessions are pinned; one of ${GATEWAY_IMPLEMENTATIONS.map((x) => `"${x}"`).join(", ")} ("generic" for any other, websocket-only)`,
    );
  } else {
    checkEnum(gateway.implementation, `${field}.implementation`, GATEWAY_IMPLEMENTATIONS, add);
  }
  checkEnum(gateway.channel, `${field}.channel`, GATEWAY_CHANNELS, add);
  checkEnum(gateway.release, `${field}.release`, GATEWAY_RELEASES, add);
  const listener = gateway.listener;
  if (listener !== undefined && (typeof listener !== "string" || !DNS_SUBDOMAIN.test(listener))) {
    add(
      `${field}.listener`,
      `\`${field}.listener\` (${show(listener)}) must be a Gateway listener name such as "https": lower-case letters, digits, "-" and "."`,
    );
  }
  if (gateway.tls === true && listener === undefined) {
    add(
      `${field}.listener`,
      `\`${field}.listener\` is required with \`${field}.tls: true\`: name the Gateway's HTTPS listener (e.g. "https"), so the route attaches to it alone and never to a plain-HTTP listener`,
    );
  }
}
