/**
 * The GCP-only alert policies' PromQL, run by Debian's Prometheus (`promtool test rules`) on
 * recorded series labelled as Cloud Monitoring labels them: the balancer's 5xx share and the ready
 * nodes below the floor (also when no node reports at all) fire after their duration and not
 * before. The shared alerts' expressions are the shared renderer's, tested with it.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { GcpSocketIoFleet } from "../../../components/gcp";
import { requireBinary } from "../../helpers/binaries";
import { AUTONAME, T, baseArgs, gcpMocks } from "./fixtures";

const run = promisify(execFile);
const APP = 'job="socketio-fleet",namespace="fleet-847ef8"';
const LB = `monitored_resource="https_lb_rule",backend_target_name="${AUTONAME("fleet-backend")}"`;
const REQUESTS = "loadbalancing_googleapis_com:https_request_count";

describe("GCP-only alert policies under promtool", () => {
  it("5xx above 5 % of the balancer's answers for 5 min, and fewer ready nodes than the minimum for 10 min, fire; brief ones do not", async function () {
    this.timeout(60_000);
    const promtool = requireBinary(this, "promtool", "prometheus");
    const mocks = await gcpMocks();
    new GcpSocketIoFleet("fleet", baseArgs({ autoscaling: { minReplicas: 2, maxReplicas: 4 } }));
    await mocks.settled();
    const rules = mocks
      .ofType(T.alertPolicy)
      .map((p) => p.inputs.conditions[0].conditionPrometheusQueryLanguage)
      .filter((c) =>
        ["SocketIoBalancer5xx", "SocketIoReadyNodesBelowMinimum"].includes(c.alertRule),
      )
      .map((c) => ({ alert: c.alertRule, expr: c.query, for: c.duration, labels: c.labels }));
    assert.equal(rules.length, 2);
    const tests = {
      rule_files: ["rules.yml"],
      evaluation_interval: "30s",
      tests: [
        {
          interval: "1m",
          input_series: [
            // 1 answer/s is 5xx beside 10/s 2xx: 1/11 ≈ 9 % from the start.
            { series: `${REQUESTS}{${LB},response_code_class="500"}`, values: "0+60x20" },
            { series: `${REQUESTS}{${LB},response_code_class="200"}`, values: "0+600x20" },
            // Node b stops being ready at minute 2: 1 ready node, the minimum is 2.
            { series: `socketio_ready{${APP},instance="a"}`, values: "1x20" },
            { series: `socketio_ready{${APP},instance="b"}`, values: "1 1 0x18" },
          ],
          alert_rule_test: [
            { eval_time: "4m", alertname: "SocketIoBalancer5xx", exp_alerts: [] },
            {
              eval_time: "8m",
              alertname: "SocketIoBalancer5xx",
              exp_alerts: [{ exp_labels: { severity: "critical" } }],
            },
            { eval_time: "10m", alertname: "SocketIoReadyNodesBelowMinimum", exp_alerts: [] },
            {
              eval_time: "13m",
              alertname: "SocketIoReadyNodesBelowMinimum",
              exp_alerts: [{ exp_labels: { severity: "critical" } }],
            },
          ],
        },
        {
          // No node reports at all (every VM gone, or collection broken): `or vector(0)`.
          interval: "1m",
          input_series: [
            { series: `${REQUESTS}{${LB},response_code_class="200"}`, values: "0+600x20" },
          ],
          alert_rule_test: [
            {
              eval_time: "12m",
              alertname: "SocketIoReadyNodesBelowMinimum",
              exp_alerts: [{ exp_labels: { severity: "critical" } }],
            },
            { eval_time: "12m", alertname: "SocketIoBalancer5xx", exp_alerts: [] },
          ],
        },
      ],
    };
    const dir = await mkdtemp(join(tmpdir(), "gcp-alerts-"));
    try {
      await writeFile(join(dir, "rules.yml"), stringify({ groups: [{ name: "gcp", rules }] }));
      await writeFile(join(dir, "tests.yml"), stringify(tests));
      const result = await run(promtool, ["test", "rules", "tests.yml"], { cwd: dir }).catch(
        (err: { stdout?: string; stderr?: string }) => {
          throw new Error(`promtool test rules failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
        },
      );
      assert.match(`${result.stdout}${result.stderr}`, /SUCCESS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
