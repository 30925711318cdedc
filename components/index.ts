/**
 * socketio-fleet: Pulumi components for multi-node Socket.IO fleets, and the shared fleet spec.
 * This file is the public API; anything not exported here is internal.
 */
export * from "./shared";
export * from "./aws";
export * from "./gcp";
export * from "./kubernetes";
export * from "./proxies";
