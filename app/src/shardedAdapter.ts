/**
 * The `redis-sharded` adapter: `@socket.io/redis-adapter`'s `createShardedAdapter` (8.3.0) with a
 * smaller envelope for plain broadcasts, the message every receiving node gets once per
 * broadcast (so Redis's egress is envelope × receiving nodes).
 *
 * The stock adapter sends a broadcast as `JSON.stringify` of the whole cluster message
 * (`sharded-adapter.js` `encode`): `{"type":3,"data":{"packet":{"type":2,"data":[…]},"opts":
 * {"rooms":["room-1"],"except":[],"flags":{}}},"uid":"<16 hex>","nsp":"/"}`, 133 bytes around the
 * event's own data, where the classic adapter's msgpack `[uid, packet, opts]` costs 79
 * (`test/unit/app/shardedEnvelope.test.ts` measures both on a real redis-server).
 *
 * Here a broadcast without acknowledgement, of an EVENT packet without binary, is sent as the
 * JSON array `[uid, data, rooms, except, flags]`, trailing empty entries left out, where:
 * - `data` is the packet's `data` (event name and arguments): the type is always EVENT;
 * - the namespace is not sent: the channel names it (`<prefix>#<nsp>#…`), and each namespace's
 *   adapter listens on its own channels only;
 * - `rooms` is `0` when the message travels on the room's own channel (`dynamic` modes), which
 *   names the room (`<prefix>#<nsp>#<room>#`); on the namespace's channel it is the room list;
 * - `except` and `flags` are sent only when not empty.
 * A plain room broadcast is thus `["<uid>",["event",…]]`: 20 bytes around the data.
 *
 * Every other message (acknowledged broadcasts, binary data, fetchSockets, serverSideEmit,
 * responses) keeps the stock encoding, and every node decodes both: a message starting with `[`
 * is this format (the stock encoding starts with `{` for JSON, and msgpack of a map never starts
 * with `[`, 0x5b, a positive fixint). Within the fleet every node runs this adapter. A node
 * running the stock adapter (none in this fleet) would read 0x5b as the msgpack integer 91, and
 * `ClusterAdapter.onMessage` ignores a message without the namespace: it would miss compact
 * broadcasts, never misdeliver them.
 */
import { createShardedAdapter } from "@socket.io/redis-adapter";
import type { ShardedRedisAdapterOptions } from "@socket.io/redis-adapter/dist/sharded-adapter";
import type { Namespace } from "socket.io";
import type { AdapterFactory } from "./adapter";

/** `socket.io-adapter`'s cluster message (2.5.x; a dependency of socket.io, not of ours). */
interface ClusterMessage {
  uid: string;
  nsp: string;
  type: number;
  data?: unknown;
}

/** `BROADCAST` of `socket.io-adapter` 2.5.x. */
const BROADCAST = 3;

/** The parts of `ShardedRedisAdapter` (8.3.0, not exported) this module uses. */
interface ShardedAdapter {
  uid: string;
  nsp: Namespace;
  channel: string;
  pubClient: { spublish(channel: string, message: string): Promise<unknown> };
  computeChannel(message: ClusterMessage): string;
  doPublish(message: ClusterMessage): Promise<string>;
  onRawMessage(raw: Buffer, channel: Buffer | string): void;
  onMessage(message: ClusterMessage): void;
}

interface BroadcastData {
  packet: { type: number; data: unknown[]; nsp?: string; id?: number };
  requestId?: string;
  opts: { rooms: string[]; except: string[]; flags?: Record<string, unknown> };
}

/** Socket.IO's EVENT packet type (`socket.io-parser` `PacketType.EVENT`). */
const EVENT = 2;

/** `[uid, data, rooms, except, flags]`; `rooms` 0 = the room the channel names. */
export type CompactBroadcast = [
  string,
  unknown[],
  (string[] | 0)?,
  string[]?,
  Record<string, unknown>?,
];

export function createCompactShardedAdapter(
  pubClient: unknown,
  subClient: unknown,
  options: ShardedRedisAdapterOptions,
): AdapterFactory {
  const stock = createShardedAdapter(pubClient, subClient, options);
  // A function, not an arrow: Socket.IO calls it with `new` (namespace.js `_initAdapter`), and
  // the object it returns is the adapter.
  const factory = function (nsp: Namespace) {
    const adapter = stock(nsp) as unknown as ShardedAdapter;
    const publishStock = adapter.doPublish.bind(adapter);
    const receiveStock = adapter.onRawMessage.bind(adapter);
    adapter.doPublish = (message) => {
      const data = message.type === BROADCAST ? (message.data as BroadcastData) : undefined;
      if (data === undefined || !isCompactable(data, adapter.nsp.name))
        return publishStock(message);
      const channel = adapter.computeChannel(message);
      const payload = encodeCompact(adapter.uid, data, channel !== adapter.channel);
      return adapter.pubClient.spublish(channel, payload).then(() => "");
    };
    adapter.onRawMessage = (raw, channel) => {
      if (raw[0] !== 0x5b) return receiveStock(raw, channel);
      const message = decodeCompact(raw, String(channel), adapter.channel, adapter.nsp.name);
      if (message !== undefined) adapter.onMessage(message);
    };
    return adapter;
  };
  return factory as unknown as AdapterFactory;
}

/** A plain broadcast: no acknowledgement, an EVENT packet of this namespace, no binary. */
function isCompactable(data: BroadcastData, nsp: string): boolean {
  const { packet } = data;
  return (
    data.requestId === undefined &&
    packet.type === EVENT &&
    packet.id === undefined &&
    (packet.nsp === undefined || packet.nsp === nsp) &&
    Object.keys(packet).every((key) => key === "type" || key === "data" || key === "nsp") &&
    Array.isArray(packet.data) &&
    !hasBinary(packet.data)
  );
}

export function encodeCompact(uid: string, data: BroadcastData, roomChannel: boolean): string {
  const { rooms, except, flags = {} } = data.opts;
  const definedFlags = Object.fromEntries(
    Object.entries(flags).filter(([, value]) => value !== undefined),
  );
  const fields: CompactBroadcast = [
    uid,
    data.packet.data,
    roomChannel ? 0 : rooms,
    except,
    definedFlags,
  ];
  const empty = (value: unknown) =>
    value === 0 ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && value !== null && Object.keys(value).length === 0);
  while (fields.length > 2 && empty(fields[fields.length - 1])) fields.pop();
  return JSON.stringify(fields);
}

/** The cluster message a compact broadcast stands for (undefined when malformed). */
export function decodeCompact(
  raw: Buffer,
  channel: string,
  namespaceChannel: string,
  nsp: string,
): ClusterMessage | undefined {
  let fields: CompactBroadcast;
  try {
    fields = JSON.parse(raw.toString()) as CompactBroadcast;
  } catch {
    return undefined;
  }
  const [uid, data, rooms, except = [], flags = {}] = fields;
  if (typeof uid !== "string" || !Array.isArray(data)) return undefined;
  const roomOfChannel =
    channel !== namespaceChannel && channel.startsWith(namespaceChannel) && channel.endsWith("#")
      ? channel.slice(namespaceChannel.length, -1)
      : undefined;
  const roomList = Array.isArray(rooms)
    ? rooms
    : roomOfChannel === undefined
      ? []
      : [roomOfChannel];
  return {
    uid,
    nsp,
    type: BROADCAST,
    data: { packet: { type: EVENT, data }, opts: { rooms: roomList, except, flags } },
  };
}

/** Whether `value` holds binary data (then the stock msgpack encoding is used). */
function hasBinary(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some(hasBinary);
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === "function") return hasBinary(withToJson.toJSON());
  return Object.values(value).some(hasBinary);
}
