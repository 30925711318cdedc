/**
 * `REDIS_TLS_CA` against a real redis-server set up like Memorystore (issue 9): TLS with a
 * server certificate from a CA this test makes itself (openssl) that names only `127.0.0.1`, in
 * its subject CN, with no subjectAltName, and `rename-command CLIENT ""` (Memorystore refuses
 * CLIENT). For each adapter two real `main.js` nodes trust that CA, verify the server, carry
 * broadcasts exactly once, and send no CLIENT command (Redis counts every unknown command in
 * `errorstat_ERR`; a default ioredis client, the negative control, makes it count). A node given
 * another CA refuses the server.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from "node:tls";
import { Redis } from "ioredis";
import { ipCnIdentity } from "../../../app/src/redisOptions";
import {
  type AppNode,
  assertAppBuilt,
  expectRedisCertificateRefused,
  startAppNode,
} from "../../helpers/appNodes";
import { requireBinary } from "../../helpers/binaries";
import { expectBroadcastEverywhere, warmUp } from "../../helpers/broadcast";
import { stopAll, waitFor, waitForHttp } from "../../helpers/processes";
import { type RedisServer, startRedis } from "../../helpers/redisServer";
import { closeClients, connectClient } from "../../helpers/socketClients";

describe("app over Memorystore-like TLS Redis (REDIS_TLS_CA, IP-only CN, CLIENT renamed away)", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let pki: Pki;

  before(async function () {
    const binary = requireBinary(this, "redis-server", "redis-server");
    assertAppBuilt();
    pki = makePki();
    redis = await startRedis(binary, {
      tls: true,
      certificates: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caFile },
      extraConfig: ['rename-command CLIENT ""'],
    });
  });
  afterEach(closeClients);
  after(stopAll);

  /** `errorstat_ERR` of the server: unknown commands (a CLIENT here) count there. */
  const unknownCommandErrors = async (): Promise<number> => {
    const admin = new Redis(redis.url, {
      tls: { ca: pki.ca, checkServerIdentity: ipCnIdentity },
      disableClientInfo: true,
      lazyConnect: true,
    });
    try {
      await admin.connect();
      const info = await admin.info("errorstats");
      return Number(/^errorstat_ERR:count=(\d+)/m.exec(info)?.[1] ?? 0);
    } finally {
      admin.disconnect();
    }
  };

  it("the certificate names only the IP, and Node's own check refuses it", async () => {
    const cert = await peerCertificate(redis.port, pki.ca);
    assert.equal(cert.subject.CN, "127.0.0.1");
    assert.equal(cert.subjectaltname, undefined);
    assert.match(String(checkServerIdentity("127.0.0.1", cert)?.message), /IP: 127\.0\.0\.1/);
    assert.equal(ipCnIdentity("127.0.0.1", cert), undefined);
    assert.ok(ipCnIdentity("127.0.0.2", cert) instanceof Error, "another IP is refused");
    assert.ok(ipCnIdentity("localhost", cert) instanceof Error, "a host name is refused");
  });

  for (const adapter of ["redis", "redis-streams"] as const) {
    it(`${adapter}: two nodes trust the CA, broadcast exactly once, and send no CLIENT`, async () => {
      const errorsBefore = await unknownCommandErrors();
      const nodes: AppNode[] = await Promise.all(
        ["a", "b"].map((id) =>
          startAppNode(`tls-ca-${adapter}-${id}`, {
            SOCKETIO_ADAPTER: adapter,
            REDIS_URL: redis.url,
            REDIS_TLS_CA: pki.ca,
          }),
        ),
      );
      await Promise.all(nodes.map((n) => waitForHttp(`${n.url}/readyz`, { watch: n.process })));
      const sockets = await Promise.all(nodes.map((n) => connectClient(n.url)));
      await warmUp(sockets);
      await expectBroadcastEverywhere(
        sockets.map((socket, i) => ({ socket, nodeId: nodes[i].process.name })),
        sockets,
      );
      assert.equal(await unknownCommandErrors(), errorsBefore, "no CLIENT command was sent");
      closeClients();
      for (const node of nodes) {
        assert.doesNotMatch(node.process.output(), new RegExp(redis.password));
        await node.process.stop();
      }
    });
  }

  it("negative control: a default ioredis client sends CLIENT, and it is counted", async () => {
    const before = await unknownCommandErrors();
    const client = new Redis(redis.url, { tls: { ca: pki.ca, checkServerIdentity: ipCnIdentity } });
    try {
      await waitFor("the default client to be ready", () => client.status === "ready");
      await waitFor("CLIENT SETINFO to be refused", async () =>
        (await unknownCommandErrors()) > before ? true : undefined,
      );
    } finally {
      client.disconnect();
    }
  });

  it("refuses the server when REDIS_TLS_CA is another CA", async () => {
    const node = await startAppNode("tls-ca-other", {
      SOCKETIO_ADAPTER: "redis",
      REDIS_URL: redis.url,
      REDIS_TLS_CA: pki.otherCa,
    });
    await expectRedisCertificateRefused(node, redis.password);
  });
});

interface Pki {
  /** PEM of the CA that signed the server certificate. */
  ca: string;
  caFile: string;
  /** PEM of an unrelated CA. */
  otherCa: string;
  serverCert: string;
  serverKey: string;
}

/** Two CAs, and a server certificate from the first naming only 127.0.0.1, in its CN. */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), "sio-pki-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  for (const name of ["ca", "other-ca"]) {
    run(
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        `/CN=${name}`,
      ].concat(["-keyout", `${name}.key`, "-out", `${name}.crt`]),
    );
  }
  run(
    ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"].concat([
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    ]),
  );
  // No -extfile: the certificate has no subjectAltName, like Memorystore's.
  writeFileSync(join(dir, "serial"), "01\n");
  run(
    ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key"].concat([
      "-CAserial",
      "serial",
      "-days",
      "2",
      "-out",
      "server.crt",
    ]),
  );
  return {
    ca: readFileSync(join(dir, "ca.crt"), "utf8"),
    caFile: join(dir, "ca.crt"),
    otherCa: readFileSync(join(dir, "other-ca.crt"), "utf8"),
    serverCert: join(dir, "server.crt"),
    serverKey: join(dir, "server.key"),
  };
}

/** The server's certificate, chain-verified against `ca` (identity not checked here). */
function peerCertificate(port: number, ca: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: "127.0.0.1",
      port,
      ca,
      checkServerIdentity: () => undefined,
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      socket.destroy();
      resolve(cert);
    });
    socket.once("error", reject);
  });
}
