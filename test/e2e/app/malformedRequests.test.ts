/**
 * Hostile bytes on the app's port: a real `main.js` node receives malformed request lines,
 * headers and upgrade requests over raw TCP, first in normal operation, then while it drains
 * (SIGTERM, a long grace period, a client still connected). Whatever each one gets back, the
 * process must not exit, must keep answering probes, and its connected client must keep working.
 * A request target that is not a URL (`GET //[`) gets exactly 400 while draining (it crashed the
 * process before: `new URL` threw inside the gate's listener).
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import type { Socket } from "socket.io-client";
import { type AppNode, assertAppBuilt, startAppNode } from "../../helpers/appNodes";
import { stopAll, waitForHttp } from "../../helpers/processes";
import { closeClients, connectClient, whoami } from "../../helpers/socketClients";

const UPGRADE =
  "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

/** Raw requests, each sent on its own connection. */
const HOSTILE: { name: string; bytes: string }[] = [
  { name: "target that is not a URL", bytes: "GET //[ HTTP/1.1\r\nHost: a\r\n\r\n" },
  { name: "absolute target, bad host", bytes: "GET http://[::1 HTTP/1.1\r\nHost: a\r\n\r\n" },
  {
    name: "Socket.IO path, bad escapes",
    bytes: "GET /socket.io/?EIO=4&transport=polling&%ZZ=%% HTTP/1.1\r\nHost: a\r\n\r\n",
  },
  { name: "not HTTP at all", bytes: "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n" },
  { name: "no version", bytes: "GET /\r\n\r\n" },
  { name: "header without colon", bytes: "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n" },
  { name: "NUL in the target", bytes: "GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n" },
  {
    name: "oversized header",
    bytes: `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${"x".repeat(70_000)}\r\n\r\n`,
  },
  {
    name: "bad Content-Length",
    bytes: "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
  },
  {
    name: "chunked garbage",
    bytes:
      "POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: a\r\n" +
      "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
  },
  { name: "upgrade, target not a URL", bytes: `GET //[ HTTP/1.1\r\nHost: a\r\n${UPGRADE}\r\n` },
  {
    name: "upgrade, Origin not a URL",
    bytes: `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\nOrigin: http://[\r\n${UPGRADE}\r\n`,
  },
  {
    name: "upgrade, no key",
    bytes:
      "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: a\r\n" +
      "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
  },
  {
    name: "upgrade to another protocol",
    bytes:
      "GET /socket.io/?EIO=4 HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
  },
  {
    name: "upgrade of an unknown session, bad escapes",
    bytes: `GET /socket.io/?EIO=4&transport=websocket&sid=%%% HTTP/1.1\r\nHost: a\r\n${UPGRADE}\r\n`,
  },
];

describe("app: malformed requests on raw sockets (main.js, normal and draining)", function () {
  this.timeout(60_000);
  let node: AppNode;
  let client: Socket;

  before(async () => {
    assertAppBuilt();
    node = await startAppNode("hostile", {
      SOCKETIO_ADAPTER: "memory",
      // The longest grace `main.js` takes: every request below is sent within it.
      DRAIN_GRACE_MS: "10000",
    });
    client = await connectClient(node.url, { transports: ["websocket"] });
  });
  after(async () => {
    closeClients();
    await stopAll();
  });

  const survives = async (state: string) => {
    assert.equal(node.process.child.exitCode, null, `${state}: exited\n${node.process.output()}`);
    assert.equal((await fetch(`${node.url}/healthz`)).status, 200, `${state}: /healthz`);
    assert.equal(await whoami(client), "hostile", `${state}: the connected client is served`);
  };

  it("in normal operation: every request is answered or closed, the node keeps serving", async () => {
    const answers = await sendAll(node.port);
    console.log(`      normal: ${answers.map((a) => `${a.name} → ${a.status}`).join("; ")}`);
    const status = (name: string) => answers.find((a) => a.name === name)?.status;
    assert.equal(status("not HTTP at all"), 400);
    assert.equal(status("oversized header"), 431);
    assert.equal(status("upgrade, Origin not a URL"), 403);
    await survives("normal");
  });

  it("while draining: a target that is not a URL gets 400, the node keeps serving", async () => {
    node.process.child.kill("SIGTERM");
    await waitForHttp(`${node.url}/readyz`, { status: 503, watch: node.process });
    const answers = await sendAll(node.port);
    console.log(`      draining: ${answers.map((a) => `${a.name} → ${a.status}`).join("; ")}`);
    assert.equal(answers.find((a) => a.name === "target that is not a URL")?.status, 400);
    assert.equal(answers.find((a) => a.name === "upgrade, target not a URL")?.status, 400);
    await survives("draining");
    assert.equal((await fetch(`${node.url}/readyz`)).status, 503, "still draining");
    const handshake = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(handshake.status, 503, "new sessions still refused");
  });
});

interface Answer {
  name: string;
  /** The status of the first response line, 0 when the server closed without one. */
  status: number;
}

async function sendAll(port: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const request of HOSTILE) {
    answers.push({ name: request.name, status: await sendRaw(port, request.bytes) });
  }
  return answers;
}

/** Writes `bytes` on a fresh connection; resolves with the response status, or 0 if none came. */
function sendRaw(port: number, bytes: string): Promise<number> {
  return new Promise((resolve) => {
    let text = "";
    const socket = connect(port, "127.0.0.1");
    const done = () => {
      socket.destroy();
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve(match ? Number(match[1]) : 0);
    };
    socket.setTimeout(500, done);
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (/\r\n\r\n/.test(text)) done();
    });
    socket.on("error", done);
    socket.on("close", done);
    socket.write(Buffer.from(bytes, "latin1"));
  });
}
