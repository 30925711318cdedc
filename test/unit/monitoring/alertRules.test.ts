/**
 * The fleet's alert rules under Debian's `promtool`, at production timing: the rule group every
 * Prometheus target renders (`prometheusRuleGroup` over `fleetAlerts`) passes `promtool check
 * rules`, and `promtool test rules` on recorded series (`alertScenarios.ts`) shows each alert
 * firing after its `for`, not before, clearing after recovery, and staying silent through the
 * normal churn its threshold is chosen to ignore.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { fleetAlerts } from "../../../components/shared/alerts";
import {
  type PromRule,
  prometheusRuleGroup,
  ruleFileYaml,
} from "../../../components/shared/prometheusRules";
import { LOCAL_SELECTORS } from "../../../app/local/monitoring";
import { requireBinary } from "../../helpers/binaries";
import { type AlertScenario, alertScenarios, promtoolTest } from "./alertScenarios";

const alerts = fleetAlerts({ connectionsPerNode: 9800 });
const group = prometheusRuleGroup(alerts, LOCAL_SELECTORS);
const scenarios = alertScenarios(alerts);

function ruleOf(name: string): PromRule {
  const rule = group.rules.find((r) => r.alert === name);
  if (rule === undefined) throw new Error(`no rule ${name} in the rendered group`);
  return rule;
}

describe("alert rules under promtool (production timing)", function () {
  this.timeout(30_000);
  let promtool: string;
  let dir: string;
  let ruleFile: string;

  before(function () {
    promtool = requireBinary(this, "promtool", "prometheus");
    dir = mkdtempSync(join(tmpdir(), "sio-promtool-"));
    ruleFile = join(dir, "rules.yml");
    writeFileSync(ruleFile, ruleFileYaml([group]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const result = spawnSync(promtool, args, { cwd: dir, encoding: "utf8" });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const testScenario = (scenario: AlertScenario, name: string) => {
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, stringify(promtoolTest(ruleFile, scenario, ruleOf(scenario.alert))));
    return run("test", "rules", file);
  };

  it("renders every alert of the catalog, and promtool check rules accepts the file", () => {
    assert.deepEqual(
      group.rules.map((r) => r.alert),
      alerts.map((a) => a.name),
    );
    const { status, output } = run("check", "rules", ruleFile);
    assert.equal(status, 0, output);
    assert.match(output, new RegExp(`SUCCESS: ${alerts.length} rules found`));
  });

  it("has a firing and a churn scenario for every alert", () => {
    for (const alert of alerts) {
      const kinds = scenarios.filter((s) => s.alert === alert.name).map((s) => s.kind);
      assert.deepEqual(kinds.sort(), ["churn", "fires"], alert.name);
    }
  });

  scenarios.forEach((scenario, i) => {
    const verb = scenario.kind === "fires" ? "fires after its for and clears" : "stays silent";
    it(`${scenario.alert} ${verb}: ${scenario.title}`, () => {
      const { status, output } = testScenario(scenario, `scenario-${i}`);
      assert.equal(status, 0, output);
      assert.match(output, /SUCCESS/);
    });
  });

  it("negative control: promtool fails a scenario whose expectations are wrong", () => {
    // The firing check of each "fires" scenario, expected silent, and each churn check expected
    // firing: if promtool passed these, the scenarios above would prove nothing.
    for (const [i, scenario] of scenarios.entries()) {
      const flipped: AlertScenario = {
        ...scenario,
        checks: scenario.checks.map((c) => ({
          at: c.at,
          firing: c.firing.length > 0 ? [] : [{}],
        })),
      };
      const { status, output } = testScenario(flipped, `flipped-${i}`);
      assert.notEqual(
        status,
        0,
        `${scenario.alert} (${scenario.title}) passed flipped:\n${output}`,
      );
    }
  });
});
