/**
 * The cloud-init of the instance group: the unit and its start script publish exactly the
 * container port, and the two shell scripts run for real (bash, curl, sed, base64, as COS ships
 * them): the fetch script against a loopback server speaking the metadata server's and Secret
 * Manager's REST protocol (neither can run here), the start script with a recording stand-in for
 * `docker` (no Docker engine here).
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import {
  COS_PATHS,
  type CloudConfigInput,
  type HostPaths,
  renderCloudConfig,
  renderFetchScript,
  renderStartScript,
  renderUnit,
} from "../../../components/gcp/cloudInit";
import { requireBinary } from "../../helpers/binaries";
import { freePort } from "../../helpers/ports";
import { CA_PEM } from "./fixtures";

const run = promisify(execFile);
const VERSION = "projects/123456789/secrets/chat-redis-url/versions/4";
const INPUT: CloudConfigInput = {
  image: "europe-west1-docker.pkg.dev/acme/apps/chat:1.2.3",
  containerPort: 3000,
  env: { PORT: "3000", METRICS_PORT: "9464", CORS_ORIGINS: "https://app.example.com" },
  redisSecretVersion: VERSION,
  redisTlsCa: CA_PEM,
};

function parsed(input: CloudConfigInput) {
  const text = renderCloudConfig(input);
  assert.ok(text.startsWith("#cloud-config\n"), "cloud-init needs the #cloud-config header");
  const config = parse(text) as {
    write_files: { path: string; content: string; permissions: string }[];
    runcmd: string[];
    users: { name: string; uid: number }[];
  };
  return { config, files: Object.fromEntries(config.write_files.map((f) => [f.path, f])) };
}

/** Every port a `docker run` command line publishes (`-p`, `--publish`, `--publish=`). */
function publishedPorts(script: string): string[] {
  const args = script.replace(/\\\n/g, " ").split(/\s+/);
  const ports: string[] = [];
  args.forEach((arg, i) => {
    if (arg === "-p" || arg === "--publish") ports.push(args[i + 1]);
    else if (arg.startsWith("--publish=")) ports.push(arg.slice("--publish=".length));
    else if (/^-p\d/.test(arg)) ports.push(arg.slice(2));
    else if (arg === "-P" || arg === "--publish-all") ports.push("ALL");
  });
  return ports;
}

describe("GCP cloud-init: the unit that runs a node on Container-Optimized OS", () => {
  for (const port of [3000, 8080]) {
    it(`the unit's start script publishes exactly the container port ${port}, and nothing else`, () => {
      const { config, files } = parsed({ ...INPUT, containerPort: port });
      const unit = files["/etc/systemd/system/socketio-fleet.service"].content;
      const execStart = unit.split("\n").filter((l) => l.startsWith("ExecStart="));
      assert.deepEqual(execStart, ["ExecStart=/bin/bash /etc/socketio-fleet/start.sh"]);
      const script = files["/etc/socketio-fleet/start.sh"].content;
      assert.deepEqual(publishedPorts(script), [`${port}:${port}`]);
      assert.ok(!script.includes("--net=host") && !script.includes("--network=host"));
      assert.deepEqual(config.runcmd, [
        "systemctl daemon-reload",
        "systemctl start socketio-fleet.service",
      ]);
    });
  }

  it("the unit: after Docker and the registry credentials, fetches the secret first, restarts forever, stops within the drain", () => {
    assert.equal(
      renderUnit(INPUT.image),
      [
        "[Unit]",
        "Description=Socket.IO fleet node (socketio-fleet)",
        "Wants=network-online.target gcr-online.target docker.socket",
        "After=network-online.target gcr-online.target docker.socket",
        "StartLimitIntervalSec=0",
        "",
        "[Service]",
        "Environment=HOME=/home/socketio-fleet",
        "ExecStartPre=/usr/bin/docker-credential-gcr configure-docker --registries=europe-west1-docker.pkg.dev",
        "ExecStartPre=/bin/bash /etc/socketio-fleet/fetch-redis-url.sh",
        "ExecStartPre=-/usr/bin/docker rm --force socketio-fleet",
        "ExecStart=/bin/bash /etc/socketio-fleet/start.sh",
        "ExecStop=/usr/bin/docker stop --time=30 socketio-fleet",
        "Restart=always",
        "RestartSec=5",
        "TimeoutStopSec=45",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
  });

  it("files: the plain env, the CA, the root-only scripts; never the Redis URL", () => {
    const { files, config } = parsed(INPUT);
    assert.deepEqual(
      Object.values(files).map((f) => [f.path, f.permissions]),
      [
        ["/etc/socketio-fleet/app.env", "0644"],
        ["/etc/socketio-fleet/redis-ca.pem", "0644"],
        ["/etc/socketio-fleet/fetch-redis-url.sh", "0700"],
        ["/etc/socketio-fleet/start.sh", "0700"],
        ["/etc/systemd/system/socketio-fleet.service", "0644"],
      ],
    );
    assert.equal(
      files["/etc/socketio-fleet/app.env"].content,
      "CORS_ORIGINS=https://app.example.com\nMETRICS_PORT=9464\nPORT=3000\n",
    );
    assert.equal(files["/etc/socketio-fleet/redis-ca.pem"].content, CA_PEM);
    assert.deepEqual(config.users, [{ name: "socketio-fleet", uid: 2000 }]);
    const text = renderCloudConfig(INPUT);
    assert.ok(!/redis(s)?:\/\//.test(text), "no Redis URL in user-data");
    assert.ok(!/^REDIS_URL=/m.test(files["/etc/socketio-fleet/app.env"].content));
  });

  describe("the fetch script, run by bash against a loopback metadata server and Secret Manager", () => {
    const TOKEN = "ya29.c.test-token";
    const URL_WITH_SPECIALS = "rediss://:0d1e%2F2f3a+4b5c@10.20.0.3:6378";
    let server: Server;
    let dir: string;
    let paths: HostPaths;
    const seen: { path: string; auth?: string; flavor?: string }[] = [];

    before(async function () {
      requireBinary(this, "curl");
      const port = await freePort();
      server = createServer((req: IncomingMessage, res: ServerResponse) => {
        seen.push({
          path: req.url ?? "",
          auth: req.headers.authorization,
          flavor: req.headers["metadata-flavor"] as string | undefined,
        });
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body, null, 2)); // pretty, as Google's APIs answer
        };
        if (req.url === "/computeMetadata/v1/instance/service-accounts/default/token") {
          if (req.headers["metadata-flavor"] !== "Google") return reply(403, { error: "flavor" });
          return reply(200, { access_token: TOKEN, expires_in: 3599, token_type: "Bearer" });
        }
        if (req.url === `/v1/${VERSION}:access`) {
          if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(401, { error: "auth" });
          const data = Buffer.from(URL_WITH_SPECIALS).toString("base64");
          return reply(200, { name: VERSION, payload: { data, dataCrc32c: "2986274961" } });
        }
        reply(404, { error: req.url });
      });
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      dir = await mkdtemp(join(tmpdir(), "gcp-fetch-"));
      paths = {
        ...COS_PATHS,
        secretDir: join(dir, "run"),
        metadataUrl: `http://127.0.0.1:${port}/computeMetadata/v1`,
        secretManagerUrl: `http://127.0.0.1:${port}/v1`,
      };
    });
    after(async () => {
      await new Promise((resolve) => server?.close(resolve));
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("writes REDIS_URL=<the secret's value> to a 0600 env file, the token sent only as a header", async () => {
      const script = join(dir, "fetch.sh");
      await writeFile(script, renderFetchScript({ redisSecretVersion: VERSION }, paths));
      await run("bash", [script], { timeout: 15_000 });
      const envFile = join(paths.secretDir, "redis.env");
      assert.equal(await readFile(envFile, "utf8"), `REDIS_URL=${URL_WITH_SPECIALS}\n`);
      assert.equal((await stat(envFile)).mode & 0o777, 0o600);
      assert.deepEqual(seen.slice(-2), [
        {
          path: "/computeMetadata/v1/instance/service-accounts/default/token",
          auth: undefined,
          flavor: "Google",
        },
        { path: `/v1/${VERSION}:access`, auth: `Bearer ${TOKEN}`, flavor: undefined },
      ]);
    });

    it("fails (so systemd retries) and writes nothing when Secret Manager refuses", async () => {
      const script = join(dir, "fetch-missing.sh");
      const other = join(dir, "other");
      await writeFile(
        script,
        renderFetchScript(
          { redisSecretVersion: "projects/1/secrets/none/versions/1" },
          { ...paths, secretDir: other },
        ),
      );
      await assert.rejects(run("bash", [script], { timeout: 15_000 }), (err: Error) => {
        assert.match(String((err as { stderr?: string }).stderr), /404/);
        return true;
      });
      await assert.rejects(stat(join(other, "redis.env")), { code: "ENOENT" });
    });
  });

  it("the start script, run by bash with a recording docker: exact arguments, the CA through the environment", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gcp-start-"));
    try {
      const docker = join(dir, "docker");
      await writeFile(
        docker,
        `#!/bin/bash\nprintf '%s\\n' "$@" > ${dir}/argv\nprintf '%s' "$REDIS_TLS_CA" > ${dir}/ca\n`,
        { mode: 0o755 },
      );
      await writeFile(join(dir, "redis-ca.pem"), `${CA_PEM}\n`);
      const paths = { ...COS_PATHS, configDir: dir, secretDir: join(dir, "run"), docker };
      const script = join(dir, "start.sh");
      await writeFile(script, renderStartScript(INPUT, paths));
      await run("bash", [script], { timeout: 15_000 });
      assert.deepEqual((await readFile(join(dir, "argv"), "utf8")).trimEnd().split("\n"), [
        "run",
        "--rm",
        "--name=socketio-fleet",
        "--publish=3000:3000",
        "--read-only",
        "--tmpfs=/tmp",
        "--log-driver=gcplogs",
        "--stop-timeout=30",
        `--env-file=${dir}/app.env`,
        `--env-file=${dir}/run/redis.env`,
        "--env=REDIS_TLS_CA",
        INPUT.image,
      ]);
      assert.equal(await readFile(join(dir, "ca"), "utf8"), CA_PEM, "the PEM keeps its lines");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
