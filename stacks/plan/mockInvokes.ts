/**
 * The plan's answers to the invokes (data sources) the programs make, from the stack's own config
 * (`Pulumi.<stack>.yaml`): `aws:region`, `aws:allowedAccountIds`, `gcp:project`, `gcp:region`,
 * `gcp:zone`, `gcp:defaultLabels`. What only the cloud knows (an account id nobody configured,
 * the live zones of a region, credentials) is `[computed]`, never a plausible stand-in.
 *
 * Two kinds of computed answer, because an invoke's result is one Output: a string field is the
 * `[computed]` string (so the result stays known and an ARN built from it keeps its known parts);
 * a field of another shape (the zone list) is Pulumi's unknown, which makes the whole result, and
 * everything built from it, `[computed]`. A non-string field nothing here can answer is left out
 * (reading it yields `undefined`); each such gap is named below.
 *
 * An invoke not listed here fails the plan loudly ("unexpected invoke"): answer it here.
 */
import { partition } from "@aws-sdk/core/client";
import * as pulumi from "@pulumi/pulumi";
import type { MockOptions } from "../../test/helpers/mocks";
import { COMPUTED } from "./types";

/** Reads one stack config value (`aws:region`), as the program's runtime config holds it. */
export type StackConfig = (key: string) => string | undefined;

type State = Record<string, unknown>;

/** The engine's unknown: in a plan rendered as a preview it makes the Output unknown. */
export const UNKNOWN_VALUE: string = pulumi.runtime.unknownValue;

/** The invoke answers for one stack. */
export function planCalls(config: StackConfig): NonNullable<MockOptions["calls"]> {
  const awsRegion = (inputs: State) => str(inputs.region) ?? config("aws:region");
  const gcpProject = (inputs: State) => str(inputs.project) ?? config("gcp:project");
  return {
    "aws:index/getRegion:getRegion": (inputs) => {
      const region = awsRegion(inputs);
      return {
        region: region ?? COMPUTED,
        name: region ?? COMPUTED,
        id: region ?? COMPUTED,
        description: (region && awsPartition(region)?.description) ?? COMPUTED,
        endpoint: COMPUTED,
      };
    },
    "aws:index/getPartition:getPartition": (inputs) => {
      const region = awsRegion(inputs);
      const found = region === undefined ? undefined : awsPartition(region);
      return {
        partition: found?.name ?? COMPUTED,
        id: found?.name ?? COMPUTED,
        dnsSuffix: found?.dnsSuffix ?? COMPUTED,
        // The provider reverses the DNS suffix (amazonaws.com → com.amazonaws).
        reverseDnsPrefix: found?.dnsSuffix.split(".").reverse().join(".") ?? COMPUTED,
      };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": () => {
      // The account is known only when the stack pins exactly one (`aws:allowedAccountIds`).
      const account = onlyAccount(config("aws:allowedAccountIds"));
      return {
        accountId: account ?? COMPUTED,
        id: account ?? COMPUTED,
        arn: COMPUTED,
        userId: COMPUTED,
      };
    },
    // Not answered (non-string, the project's own): autoCreateNetwork, labels, effectiveLabels,
    // pulumiLabels, tags.
    "gcp:organizations/getProject:getProject": (inputs) => {
      const project = str(inputs.projectId) ?? gcpProject(inputs);
      return {
        projectId: project ?? COMPUTED,
        id: project === undefined ? COMPUTED : `projects/${project}`,
        number: COMPUTED,
        name: COMPUTED,
        orgId: COMPUTED,
        folderId: COMPUTED,
        billingAccount: COMPUTED,
        deletionPolicy: COMPUTED,
      };
    },
    "gcp:organizations/getClientConfig:getClientConfig": () => ({
      project: config("gcp:project") ?? COMPUTED,
      region: config("gcp:region") ?? COMPUTED,
      zone: config("gcp:zone") ?? COMPUTED,
      defaultLabels: jsonObject(config("gcp:defaultLabels")) ?? {},
      accessToken: COMPUTED,
      id: COMPUTED,
    }),
    // Which zones are UP is a live lookup: the list (and its length) is the cloud's.
    "gcp:compute/getZones:getZones": (inputs) => ({
      names: UNKNOWN_VALUE,
      project: gcpProject(inputs) ?? COMPUTED,
      region: str(inputs.region) ?? config("gcp:region") ?? COMPUTED,
      id: COMPUTED,
    }),
  };
}

/**
 * The AWS partition of a region the SDK's partition table names (`@aws-sdk/core`, the table the
 * AWS SDKs resolve endpoints with); an unlisted region has no partition here.
 */
function awsPartition(
  region: string,
): { name: string; dnsSuffix: string; description: string } | undefined {
  // `description` is set (untyped) only for a region the table lists, not for a regex guess.
  const found = partition(region) as ReturnType<typeof partition> & { description?: string };
  return found.description === undefined
    ? undefined
    : { name: found.name, dnsSuffix: found.dnsSuffix, description: found.description };
}

/** The one account of `aws:allowedAccountIds` (a JSON list in config), if exactly one. */
function onlyAccount(text: string | undefined): string | undefined {
  const ids = text === undefined ? undefined : (JSON.parse(text) as unknown);
  return Array.isArray(ids) && ids.length === 1 ? String(ids[0]) : undefined;
}

function jsonObject(text: string | undefined): State | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as State);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
