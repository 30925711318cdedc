/**
 * One component provider and its inferred schema for every package test: inference type-checks
 * the whole program (tens of seconds on a busy machine), so it runs once per mocha process.
 */
import type { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { inferSchema, type PackageSchema, packageProvider } from "../../../stacks/package/schema";

/** Generous: the analyzer builds a TypeScript program of the whole repository. */
export const INFERENCE_TIMEOUT_MS = 240_000;

let cached: { provider: ComponentProvider; schema: Promise<PackageSchema> } | undefined;

export function sharedProvider(): ComponentProvider {
  cached ??= init();
  return cached.provider;
}

export function inferredSchema(): Promise<PackageSchema> {
  cached ??= init();
  return cached.schema;
}

function init() {
  const provider = packageProvider();
  return { provider, schema: inferSchema(provider) };
}

/** Every property spec in the schema, with a readable path, nested items and maps included. */
export function* allProperties(
  schema: PackageSchema,
): Generator<{ path: string; spec: Record<string, unknown> }> {
  function* walk(
    path: string,
    spec: Record<string, unknown>,
  ): Generator<{
    path: string;
    spec: Record<string, unknown>;
  }> {
    yield { path, spec };
    if (spec.items) yield* walk(`${path}[]`, spec.items as Record<string, unknown>);
    if (spec.additionalProperties && typeof spec.additionalProperties === "object") {
      yield* walk(`${path}{}`, spec.additionalProperties as Record<string, unknown>);
    }
  }
  for (const [token, resource] of Object.entries(schema.resources)) {
    for (const [name, spec] of Object.entries(resource.inputProperties)) {
      yield* walk(`${token} input ${name}`, spec as Record<string, unknown>);
    }
    for (const [name, spec] of Object.entries(resource.properties)) {
      yield* walk(`${token} output ${name}`, spec as Record<string, unknown>);
    }
  }
  for (const [token, type] of Object.entries(schema.types)) {
    for (const [name, spec] of Object.entries(type.properties ?? {})) {
      yield* walk(`${token}.${name}`, spec as Record<string, unknown>);
    }
  }
}
