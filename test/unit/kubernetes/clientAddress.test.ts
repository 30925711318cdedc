import { strict as assert } from "node:assert";
import { KubernetesSocketIoFleet, validateKubernetesFleet } from "../../../components/kubernetes";
import { setupMocks } from "../../helpers/mocks";
import { fleetArgs } from "./fixtures";

type Loose = Record<string, unknown>;

const NGINX = { controller: "nginx", host: "chat.example.com", tlsSecretName: "chat-tls" };
const problems = (over: Loose) => validateKubernetesFleet("chat", { ...fleetArgs(), ...over });

const REQUIRED =
  '`ingress.clientAddress` is required with `stickiness.mode: "client-ip"` on ingress-nginx: it ' +
  "hashes `$remote_addr`, which behind a cloud L4 balancer with the controller Service's default " +
  "`externalTrafficPolicy: Cluster` is a node's address, so one client's connections land on " +
  "different pods. Say how the client's address reaches the controller: one of " +
  '"external-traffic-policy-local", "proxy-protocol", "forwarded-headers"; or use ' +
  '`stickiness.mode: "cookie"`';

describe("ingress.clientAddress (client-ip stickiness on ingress-nginx)", () => {
  it("client-ip on nginx without it is refused, with the reason and every way to fix it", () => {
    assert.deepEqual(problems({ ingress: NGINX, stickiness: { mode: "client-ip" } }), [
      { field: "ingress.clientAddress", message: REQUIRED },
    ]);
  });

  it("each way the client's address can reach the controller is accepted", () => {
    for (const clientAddress of [
      "external-traffic-policy-local",
      "proxy-protocol",
      "forwarded-headers",
    ]) {
      assert.deepEqual(
        problems({ ingress: { ...NGINX, clientAddress }, stickiness: { mode: "client-ip" } }),
        [],
        clientAddress,
      );
    }
  });

  it("an unknown value, or a value where it does not apply, is refused", () => {
    assert.deepEqual(
      problems({
        ingress: { ...NGINX, clientAddress: "x-real-ip" },
        stickiness: { mode: "client-ip" },
      }),
      [
        {
          field: "ingress.clientAddress",
          message:
            '`ingress.clientAddress` ("x-real-ip") must be one of "external-traffic-policy-local", "proxy-protocol", "forwarded-headers"',
        },
      ],
    );
    assert.deepEqual(problems({ ingress: { ...NGINX, clientAddress: "proxy-protocol" } }), [
      {
        field: "ingress.clientAddress",
        message:
          '`ingress.clientAddress` ("proxy-protocol") only applies with `stickiness.mode: "client-ip"` (ingress-nginx hashes the client\'s address only then): remove it',
      },
    ]);
    assert.deepEqual(
      problems({
        ingress: { controller: "gke", tlsSecretName: "t", clientAddress: "proxy-protocol" },
        stickiness: { mode: "client-ip" },
      }),
      [
        {
          field: "ingress.clientAddress",
          message:
            '`ingress.clientAddress` ("proxy-protocol") only applies to `ingress.controller: "nginx"` with `stickiness.mode: "client-ip"`: remove it',
        },
      ],
    );
  });

  it("the constructor refuses it with the same text", async () => {
    await setupMocks();
    assert.throws(
      () =>
        new KubernetesSocketIoFleet(
          "chat",
          fleetArgs({ ingress: { controller: "nginx" }, stickiness: { mode: "client-ip" } }),
        ),
      (err: Error) => err.message.includes(REQUIRED),
    );
  });
});
