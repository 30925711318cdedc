/** The app's pure rules: Origin check, sticky cookie, CORS options, entry-point environment. */
import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { parseAppEnv } from "../../../components/shared/appEnv";
import { stickyCookie } from "../../../app/src/cookie";
import { readEntryEnv } from "../../../app/src/env";
import { corsOptions, isOriginAllowed } from "../../../app/src/origin";

const config = parseAppEnv({
  SOCKETIO_ADAPTER: "memory",
  CORS_ORIGINS: "https://app.example.com,http://localhost:5173",
});
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("app isOriginAllowed", () => {
  const cases: [Record<string, string>, boolean][] = [
    [{}, true], // non-browser client
    [{ origin: "https://app.example.com", host: "fleet.example.com" }, true],
    [{ origin: "http://localhost:5173", host: "127.0.0.1:3000" }, true],
    [{ origin: "https://fleet.example.com", host: "fleet.example.com" }, true], // same origin
    [{ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }, true],
    [{ origin: "https://evil.example", host: "fleet.example.com" }, false],
    [{ origin: "https://app.example.com.evil.example", host: "fleet.example.com" }, false],
    [{ origin: "http://localhost:5174", host: "127.0.0.1:3000" }, false], // other port
    [{ origin: "null", host: "fleet.example.com" }, false], // sandboxed iframe, file://
    [{ origin: "https://fleet.example.com", host: "fleet.example.com:8443" }, false],
  ];
  for (const [headers, allowed] of cases) {
    it(`${allowed ? "allows" : "refuses"} ${JSON.stringify(headers)}`, () => {
      assert.equal(isOriginAllowed(config, request(headers)), allowed);
    });
  }
});

describe("app corsOptions", () => {
  it("lists the origins with credentials, and is off without origins", () => {
    assert.deepEqual(corsOptions(config), {
      origin: ["https://app.example.com", "http://localhost:5173"],
      credentials: true,
    });
    assert.equal(corsOptions({ corsOrigins: [], corsCredentials: true }), undefined);
  });
});

describe("app stickyCookie", () => {
  it("is SameSite=None; Secure when other origins connect, Lax otherwise, absent unnamed", () => {
    assert.deepEqual(stickyCookie({ ...config, stickyCookieName: "SIO" }), {
      name: "SIO",
      httpOnly: true,
      path: "/",
      sameSite: "none",
      secure: true,
    });
    assert.deepEqual(stickyCookie({ corsOrigins: [], stickyCookieName: "SIO" }), {
      name: "SIO",
      httpOnly: true,
      path: "/",
      sameSite: "lax",
    });
    assert.equal(stickyCookie({ corsOrigins: [] }), undefined);
  });
});

describe("app readEntryEnv", () => {
  it("reads DRAIN_GRACE_MS next to the contract", () => {
    const env = { SOCKETIO_ADAPTER: "memory", DRAIN_GRACE_MS: "0" };
    assert.deepEqual(readEntryEnv(env).drain, { graceMs: 0 });
    assert.deepEqual(readEntryEnv({ SOCKETIO_ADAPTER: "memory" }).drain, {});
  });

  it("reports contract and entry-point problems together", () => {
    assert.throws(() => readEntryEnv({ SOCKETIO_ADAPTER: "redis", DRAIN_GRACE_MS: "20000" }), {
      name: "AppEnvError",
      message:
        "Invalid app environment:\n" +
        "  - REDIS_URL is required with SOCKETIO_ADAPTER=redis\n" +
        '  - DRAIN_GRACE_MS="20000" must be an integer from 0 to 10000',
    });
  });
});
