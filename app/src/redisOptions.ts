/**
 * How every adapter Redis connection is configured: dead-connection detection, the private CA
 * of a managed Redis (Memorystore), and nothing a managed Redis refuses.
 *
 * Dead connections. A Redis host that dies or is partitioned leaves a half-open TCP connection,
 * and a frozen Redis (`SIGSTOP`, a stalled VM) leaves one its kernel still acknowledges: without
 * timeouts ioredis waits on either for about 15 minutes (Linux `tcp_retries2`) while commands
 * pile up. Here:
 * - `socketTimeout` (`REDIS_SOCKET_TIMEOUT_MS`): a connection with a command awaiting its reply
 *   that receives no byte for 10 s is destroyed and reconnected (ioredis `setSocketTimeout`).
 *   The streams adapter's readers block in `XREAD BLOCK 5000` (`blockTimeInMs`, its default),
 *   which returns within 5 s even when the stream is idle, so 10 s leaves twice that margin.
 * - a PING on every connection every 5 s (`redisHeartbeat.ts`), subscribers included (PING is
 *   valid in subscribe mode), so that an idle connection also has a reply to wait for: a missed
 *   PONG is 10 s without a byte, and the socket timeout reconnects it.
 * - `keepAlive`: TCP keep-alive probes after 10 s idle, so the kernel also notices a vanished
 *   peer on its own.
 * Together: a frozen or vanished Redis is detected within 15 s (PING interval + socket timeout).
 *
 * The publisher also gets `commandTimeout` (1 s) and no resend of unfulfilled commands:
 * - a broadcast's XADD/PUBLISH that gets no reply within 1 s fails, and the adapters then
 *   deliver it to the node's own clients (socket.io-adapter `ClusterAdapter.broadcast` delivers
 *   locally after a failed publish): same-node messages keep flowing while Redis is frozen.
 * - what the frozen server had already received is executed when it resumes, so resending it
 *   after the reconnect (`autoResendUnfulfilledCommands`, on by default) would deliver those
 *   broadcasts twice. The timeout settles them instead.
 * The other connections keep ioredis's defaults for both: their commands are blocking reads and
 * (re)subscriptions, which must survive a reconnect and may wait 5 s for a reply.
 *
 * TLS (`rediss://`). With `REDIS_TLS_CA` the connection trusts that CA only. Memorystore's server
 * certificate names the instance by IP in its subject CN and carries no subjectAltName (see
 * envoyproxy/ratelimit#409); Node's `checkServerIdentity` matches an IP host only against IP
 * subjectAltNames, so it refuses that certificate. `checkServerIdentity` here accepts it when
 * the CN is exactly the IP connected to and there is no subjectAltName; the chain is still
 * verified against the CA and every other case is Node's own check.
 *
 * No `CLIENT` command: Memorystore refuses it, and ioredis sends `CLIENT SETINFO` after every
 * connect unless `disableClientInfo` is set, and `CLIENT SETNAME` with a `connectionName` (none
 * is set). The socket.io adapters send no `CLIENT` command of their own.
 *
 * `protocol: 2` (RESP2): ioredis 6 speaks RESP3 by default and opens every connection with
 * `HELLO 3`, failing the connection on any error but "unknown command"/NOPROTO (a managed Redis
 * answering NOPERM would be fatal). The adapters need nothing RESP3 adds, so the app keeps the
 * wire protocol every adapter was written against; v6's fixes (an unsolicited `SUNSUBSCRIBE` on
 * slot migration now triggers a slot refresh, `DataHandler.handleUnsolicitedUnsubscribe`) work in
 * both protocols.
 */
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import type { RedisOptions } from "ioredis";

/** How long a connection with a pending reply may receive nothing before it is reconnected. */
export const REDIS_SOCKET_TIMEOUT_MS = 10_000;

/** How often each connection sends a PING (see `redisHeartbeat.ts`). */
export const REDIS_PING_INTERVAL_MS = 5_000;

/** TCP keep-alive initial delay (`socket.setKeepAlive(true, …)`). */
export const REDIS_TCP_KEEPALIVE_MS = 10_000;

/** How long a publisher command may wait for its reply before the broadcast goes local-only. */
export const PUBLISHER_COMMAND_TIMEOUT_MS = 1_000;

/**
 * `maxRetriesPerRequest: null`: while Redis is down, commands wait for the reconnection instead
 * of failing after 20 retries (the publisher's queues are bounded separately, `offlineQueue.ts`).
 * `retryStrategy`: reconnect attempts 50 ms, 100 ms, … apart, at most 1 s (ioredis: 2 s), so a
 * node delivers cross-node again within about a second of Redis returning.
 */
export function redisOptions(redisTlsCa: string | undefined): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 50, 1000),
    keepAlive: REDIS_TCP_KEEPALIVE_MS,
    socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
    disableClientInfo: true,
    protocol: 2,
    reconnectOnError: readOnlyReconnects,
    ...(redisTlsCa === undefined
      ? {}
      : { tls: { ca: redisTlsCa, checkServerIdentity: ipCnIdentity } }),
  };
}

/**
 * A write refused with READONLY went to a replica: the primary was demoted under this connection
 * (a managed Redis failing over; see `watchPrimary` in `redisHeartbeat.ts`). 2: reconnect, through
 * the endpoint, to the new primary, and resend the command (not executed, so never twice).
 */
export function readOnlyReconnects(err: Error): 2 | false {
  return err.message.startsWith("READONLY") ? 2 : false;
}

/** Options of the publisher on top of `redisOptions` (see the module comment). */
export const PUBLISHER_OPTIONS: Partial<RedisOptions> = {
  commandTimeout: PUBLISHER_COMMAND_TIMEOUT_MS,
  autoResendUnfulfilledCommands: false,
};

/** What a connection duplicated from the publisher gets back (ioredis's defaults). */
export const DUPLICATE_OPTIONS: Partial<RedisOptions> = {
  commandTimeout: undefined,
  autoResendUnfulfilledCommands: true,
};

/**
 * Node's `checkServerIdentity`, plus one case: the host is an IP, the certificate has no
 * subjectAltName and its subject CN is that same IP (Memorystore's server certificate).
 */
export function ipCnIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const error = checkServerIdentity(host, cert);
  if (error === undefined) return undefined;
  const namesOnlyThisIp =
    isIP(host) !== 0 && cert.subjectaltname === undefined && cert.subject?.CN === host;
  return namesOnlyThisIp ? undefined : error;
}
