import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { isSecretInput, setupMocks } from "../helpers/mocks";
import { unwrap } from "../helpers/unwrap";

class Parent extends pulumi.ComponentResource {
  readonly password: pulumi.Output<string>;
  constructor(name: string) {
    super("test:index:Parent", name);
    const pw = new random.RandomPassword(`${name}-pw`, { length: 20 }, { parent: this });
    // Mocks do not apply the provider's additionalSecretOutputs: wrap explicitly, as components do.
    const password = pulumi.secret(pw.result);
    const child = new random.RandomString(
      `${name}-tag`,
      { length: 4, keepers: { pw: password } },
      { parent: this, dependsOn: [pw] },
    );
    this.password = password;
    this.registerOutputs({ password: pw.result, tag: child.result });
  }
}

describe("test helpers: the strict mock recorder", () => {
  it("records type, name, parent, dependencies, secrets and registered outputs", async () => {
    const mocks = await setupMocks({
      outputs: {
        "random:index/randomPassword:RandomPassword": () => ({ result: "s3cret" }),
        "random:index/randomString:RandomString": () => ({ result: "abcd" }),
      },
    });
    const parent = new Parent("p");
    assert.equal(await unwrap(parent.password), "s3cret");
    await mocks.settled();
    const pw = mocks.named("random:index/randomPassword:RandomPassword", "p-pw");
    const tag = mocks.named("random:index/randomString:RandomString", "p-tag");
    const component = mocks.one("test:index:Parent");
    assert.equal(pw.parent, component.urn);
    assert.ok(tag.dependencies.includes(pw.urn));
    // The runtime marks the smallest enclosing object secret, not the leaf.
    assert.ok(isSecretInput(tag.rawInputs.keepers));
    assert.ok(!isSecretInput(tag.rawInputs.length));
    assert.deepEqual(tag.inputs.keepers, { pw: "s3cret" });
    assert.ok(mocks.descendsFrom(tag, component.urn));
    assert.deepEqual(Object.keys(mocks.registeredOutputs.get(component.urn) ?? {}).sort(), [
      "password",
      "tag",
    ]);
  });

  it("throws on an invoke that was not stubbed", async () => {
    await setupMocks();
    await assert.rejects(
      pulumi.runtime.invoke("aws:index/getRegion:getRegion", {}),
      /unexpected invoke aws:index\/getRegion:getRegion/,
    );
  });
});
