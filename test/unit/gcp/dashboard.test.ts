/**
 * The Cloud Monitoring dashboard's JSON (PromQL tiles, thresholds from the alerts, no default
 * values the API would drop), and every PromQL the GCP target writes (policies and charts)
 * checked by Debian's `promtool` as a Prometheus rule file.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { GcpSocketIoFleet } from "../../../components/gcp";
import { renderPrometheusConfig } from "../../../components/gcp/vmCollector";
import { requireBinary } from "../../helpers/binaries";
import type { MockRecorder } from "../../helpers/mocks";
import { AUTONAME, T, baseArgs, gcpMocks } from "./fixtures";

const run = promisify(execFile);
const APP = 'job="socketio-fleet",namespace="fleet-847ef8"';

async function build(): Promise<MockRecorder> {
  const mocks = await gcpMocks();
  new GcpSocketIoFleet("fleet", baseArgs());
  await mocks.settled();
  return mocks;
}

/** Paths of every default value (0, "", false, []) in `value`. */
function defaults(value: unknown, path = "$"): string[] {
  if (value === 0 || value === "" || value === false) return [path];
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((v, i) => defaults(v, `${path}[${i}]`));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => defaults(v, `${path}.${k}`));
  }
  return [];
}

describe("GcpSocketIoFleet dashboard and PromQL", () => {
  it("a mosaic of PromQL line charts, two per row, the capacity and alert floors drawn in, no default values", async () => {
    const mocks = await build();
    const json = JSON.parse(mocks.one(T.dashboard).inputs.dashboardJson as string);
    assert.equal(json.displayName, "Socket.IO fleet fleet");
    assert.equal(json.mosaicLayout.columns, 48);
    const tiles = json.mosaicLayout.tiles;
    assert.equal(tiles.length, 9);
    assert.deepEqual(tiles[0], {
      width: 24,
      height: 16,
      widget: {
        title: "Connected clients per node",
        xyChart: {
          dataSets: [
            {
              timeSeriesQuery: {
                prometheusQuery: `sum by (instance) (socketio_connected_clients{${APP}})`,
              },
              plotType: "LINE",
            },
          ],
          thresholds: [{ value: 32700, label: "capacity" }],
        },
      },
    });
    assert.deepEqual(
      tiles.map((t: { xPos?: number; yPos?: number }) => [t.xPos, t.yPos]),
      [
        [undefined, undefined],
        [24, undefined],
        [undefined, 16],
        [24, 16],
        [undefined, 32],
        [24, 32],
        [undefined, 48],
        [24, 48],
        [undefined, 64],
      ],
    );
    assert.deepEqual(defaults(json), [], "the API drops these, which reads as a diff");
    const redis = tiles[8].widget.xyChart;
    assert.equal(
      redis.dataSets[0].timeSeriesQuery.prometheusQuery,
      `redis_googleapis_com:stats_memory_usage_ratio{monitored_resource="redis_instance",instance_id=~"(projects/.+/instances/)?${AUTONAME("fleet-redis")}"}`,
    );
    assert.deepEqual(redis.thresholds, [{ value: 0.8, label: "alert" }]);
  });

  it("promtool accepts every PromQL the target writes (policies and charts) and the collector's prometheus.yml", async function () {
    this.timeout(60_000);
    const promtool = requireBinary(this, "promtool", "prometheus");
    const mocks = await build();
    const policies = mocks.ofType(T.alertPolicy).map((p) => ({
      alert: p.inputs.conditions[0].conditionPrometheusQueryLanguage.alertRule as string,
      expr: p.inputs.conditions[0].conditionPrometheusQueryLanguage.query as string,
      for: p.inputs.conditions[0].conditionPrometheusQueryLanguage.duration as string,
    }));
    assert.equal(policies.length, 7);
    const json = JSON.parse(mocks.one(T.dashboard).inputs.dashboardJson as string);
    const charts = json.mosaicLayout.tiles.flatMap(
      (
        t: {
          widget: { xyChart: { dataSets: { timeSeriesQuery: { prometheusQuery: string } }[] } };
        },
        tile: number,
      ) =>
        t.widget.xyChart.dataSets.map((d, i) => ({
          record: `chart_${tile}_${i}`,
          expr: d.timeSeriesQuery.prometheusQuery,
        })),
    );
    const dir = await mkdtemp(join(tmpdir(), "gcp-promql-"));
    try {
      const rules = join(dir, "rules.yml");
      await writeFile(
        rules,
        stringify({ groups: [{ name: "gcp", rules: [...policies, ...charts] }] }),
      );
      const checked = await run(promtool, ["check", "rules", rules]);
      assert.match(
        checked.stdout,
        new RegExp(`SUCCESS: ${policies.length + charts.length} rules found`),
      );
      const config = join(dir, "prometheus.yml");
      await writeFile(
        config,
        renderPrometheusConfig({
          image: "unused",
          metricsPort: 9464,
          namespace: "fleet-847ef8",
          scrapeIntervalSeconds: 30,
        }).replace("@INSTANCE@", "fleet-abcd"),
      );
      await run(promtool, ["check", "config", config]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
