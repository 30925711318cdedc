/**
 * The local fleet's Prometheus config (`app/local/prometheus.ts`) under Debian's `promtool check
 * config`: both jobs, the rule file the shared renderer writes (at the demo's time scale too), the
 * nodes' file service discovery; and the exact `file_sd` document for a set of nodes.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fleetAlerts } from "../../../components/shared/alerts";
import { prometheusRuleGroup, ruleFileYaml } from "../../../components/shared/prometheusRules";
import { LOCAL_SELECTORS } from "../../../app/local/monitoring";
import { fileSdTargets, prometheusConfig } from "../../../app/local/prometheus";
import { requireBinary } from "../../helpers/binaries";

describe("local Prometheus config under promtool", function () {
  this.timeout(20_000);
  let dir: string;
  let promtool: string;

  before(function () {
    promtool = requireBinary(this, "promtool", "prometheus");
    dir = mkdtempSync(join(tmpdir(), "sio-promconfig-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const timeScale of [1, 0.1]) {
    it(`promtool check config accepts it with the rule file at time scale ${timeScale}`, () => {
      const ruleFile = join(dir, `rules-${timeScale}.yml`);
      const targetsFile = join(dir, "nodes.json");
      const configFile = join(dir, `prometheus-${timeScale}.yml`);
      const group = prometheusRuleGroup(
        fleetAlerts({ connectionsPerNode: 9800 }),
        LOCAL_SELECTORS,
        {
          timeScale,
          minWindowSeconds: 4,
        },
      );
      writeFileSync(ruleFile, ruleFileYaml([group]));
      writeFileSync(
        targetsFile,
        JSON.stringify(fileSdTargets([{ name: "node-1", metricsPort: 9464 }])),
      );
      writeFileSync(
        configFile,
        prometheusConfig(
          { intervalSeconds: 1, redisExporter: "127.0.0.1:9121" },
          { targetsFile, ruleFile },
        ),
      );
      const result = spawnSync(promtool, ["check", "config", configFile], { encoding: "utf8" });
      const output = `${result.stdout}${result.stderr}`;
      assert.equal(result.status, 0, output);
      assert.match(output, /SUCCESS: 6 rules found/);
    });
  }

  it("the nodes' file_sd document: one target per metrics port, labelled with the node", () => {
    assert.deepEqual(
      fileSdTargets([
        { name: "node-1", metricsPort: 20001 },
        { name: "node-3", metricsPort: 20003 },
      ]),
      [
        { targets: ["127.0.0.1:20001"], labels: { node: "node-1" } },
        { targets: ["127.0.0.1:20003"], labels: { node: "node-3" } },
      ],
    );
  });
});
