/**
 * `parseClusterNodes`: what the dashboard and the cluster tests read from `CLUSTER NODES` (format
 * of redis.io "CLUSTER NODES": id, ip:port@cport[,hostname], flags, master, ping-sent, pong-recv,
 * config-epoch, link-state, slots…), and `restartAfterMs`.
 */
import assert from "node:assert/strict";
import { parseClusterNodes, restartAfterMs } from "../../../app/local/redisCluster";

const PORTS: Record<number, string> = { 7001: "redis-1", 7002: "redis-2", 7004: "redis-4" };
const nameOf = (port: number) => PORTS[port];

describe("parseClusterNodes", () => {
  it("names nodes by port, tells masters (with slots) from replicas (with their master)", () => {
    const text = [
      "aaa 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460",
      "bbb 127.0.0.1:7002@17002 master - 0 1700000000000 2 connected 5461-10922 [5461->-ccc]",
      "ddd 127.0.0.1:7004@17004 slave aaa 0 1700000000000 1 connected",
      "eee 127.0.0.1:7009@17009 master,fail - 1 1 3 disconnected",
      "",
    ].join("\n");
    assert.deepEqual(parseClusterNodes(text, nameOf), [
      {
        name: "127.0.0.1:7009",
        port: 7009,
        id: "eee",
        role: "master",
        replicaOf: undefined,
        slots: [],
        flags: ["fail"],
        connected: false,
      },
      {
        name: "redis-1",
        port: 7001,
        id: "aaa",
        role: "master",
        replicaOf: undefined,
        slots: ["0-5460"],
        flags: [],
        connected: true,
      },
      {
        name: "redis-2",
        port: 7002,
        id: "bbb",
        role: "master",
        replicaOf: undefined,
        slots: ["5461-10922"],
        flags: [],
        connected: true,
      },
      {
        name: "redis-4",
        port: 7004,
        id: "ddd",
        role: "replica",
        replicaOf: "redis-1",
        slots: [],
        flags: [],
        connected: true,
      },
    ]);
  });

  it("a killed node restarts only after 3 node timeouts (failover first)", () => {
    assert.equal(restartAfterMs(2000), 6000);
  });
});
