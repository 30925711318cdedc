/** The metrics port on Kubernetes: on the pod, never on the Service, open only to monitoring. */
import { strict as assert } from "node:assert";
import { validateKubernetesFleet } from "../../../components/kubernetes/validate";
import { deploy, fleetArgs, T, validateBuiltIn } from "./fixtures";

const APP_PORT_RULE = { ports: [{ protocol: "TCP", port: 3000 }] };

describe("KubernetesSocketIoFleet: metrics port and monitoring namespaces", () => {
  it("without monitoring: the policy admits the app port only, and the Service routes only it", async () => {
    const { mocks } = await deploy();
    assert.deepEqual(mocks.named(T.networkPolicy, "chat").inputs.spec.ingress, [APP_PORT_RULE]);
    const ports = mocks.named(T.service, "chat").inputs.spec.ports as { targetPort: string }[];
    assert.deepEqual(
      ports.map((p) => p.targetPort),
      ["http"],
    );
    const pod = mocks.one(T.deployment).inputs.spec.template.spec;
    assert.deepEqual(
      pod.containers[0].ports.map((p: { name: string; containerPort: number }) => [
        p.name,
        p.containerPort,
      ]),
      [
        ["http", 3000],
        ["metrics", 9464],
      ],
    );
  });

  it("monitoring.namespaces: the metrics port from pods of exactly those namespaces", async () => {
    const { mocks } = await deploy(
      fleetArgs({ monitoring: { namespaces: ["monitoring", "observability"] } }),
    );
    const policy = mocks.named(T.networkPolicy, "chat");
    assert.deepEqual(policy.inputs.spec.ingress, [
      APP_PORT_RULE,
      {
        from: [
          {
            namespaceSelector: {
              matchExpressions: [
                {
                  key: "kubernetes.io/metadata.name",
                  operator: "In",
                  values: ["monitoring", "observability"],
                },
              ],
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 9464 }],
      },
    ]);
    validateBuiltIn(policy);
    // Still not routed: the ingress reaches the Service, which has no metrics port.
    assert.equal(mocks.named(T.service, "chat").inputs.spec.ports.length, 1);
  });

  it("an empty namespace list admits nobody (no rule with an empty selector, which would match all)", async () => {
    const { mocks } = await deploy(fleetArgs({ monitoring: { namespaces: [] } }));
    assert.deepEqual(mocks.named(T.networkPolicy, "chat").inputs.spec.ingress, [APP_PORT_RULE]);
  });

  it("refuses malformed monitoring args, naming the field, the value and the fix", () => {
    assert.deepEqual(
      validateKubernetesFleet(
        "chat",
        fleetArgs({ monitoring: { namespaces: ["Monitoring", "ok", ""] } }),
      ),
      [
        {
          field: "monitoring.namespaces[0]",
          message:
            '`monitoring.namespaces[0]` ("Monitoring") must be a namespace name: lower-case letters, digits and "-", starting with a letter, at most 63 characters, e.g. "monitoring"',
        },
        {
          field: "monitoring.namespaces[2]",
          message:
            '`monitoring.namespaces[2]` ("") must be a namespace name: lower-case letters, digits and "-", starting with a letter, at most 63 characters, e.g. "monitoring"',
        },
      ],
    );
    const wrongShape = validateKubernetesFleet(
      "chat",
      fleetArgs({ monitoring: "monitoring" as never }),
    );
    assert.deepEqual(
      wrongShape.map((p) => p.field),
      ["monitoring"],
    );
    assert.match(wrongShape[0].message, /\{ namespaces: \["monitoring"\] \}/);
    assert.deepEqual(
      validateKubernetesFleet(
        "chat",
        fleetArgs({ monitoring: { namespaces: ["m"], typo: 1 } as never }),
      ).map((p) => p.field),
      ["monitoring.typo"],
    );
  });
});
