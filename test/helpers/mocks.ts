/**
 * A strict recorder for `pulumi.runtime.setMocks`: records every resource with its type, name,
 * inputs (secrets kept visible as `SecretInput`), parent and dependencies, records registered
 * component outputs, and throws on any invoke that the test did not stub.
 */
import * as pulumi from "@pulumi/pulumi";
// Internal, stable for years: resolves when every outstanding registration RPC has finished.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs: () => Promise<void>;
};

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** URN of the parent resource (the stack for top-level resources). */
  parent: string;
  custom: boolean;
  /** Inputs as the engine receives them, secrets wrapped (see `isSecretInput`). */
  rawInputs: Record<string, unknown>;
  /** Inputs with secrets unwrapped, for asserting values. */
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** URNs this resource depends on (explicit `dependsOn` and through inputs). */
  dependencies: string[];
  provider?: string;
  /** The resource options that decide how the engine treats a change (see `recordedOptions`). */
  options: RecordedOptions;
}

/** Resource options as sent to the engine; only the ones that are set. */
export interface RecordedOptions {
  protect?: boolean;
  retainOnDelete?: boolean;
  deleteBeforeReplace?: boolean;
  /** Aliases: `{ urn }`, or a spec (`name`, `type`, `stack`, `project`, `parentUrn`, `noParent`). */
  aliases?: Record<string, unknown>[];
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  /** Outputs the provider (or the program) marks secret; their inputs are secret too. */
  additionalSecretOutputs?: string[];
  deletedWith?: string;
  customTimeouts?: Record<string, string>;
}

type State = Record<string, unknown>;

export interface MockOptions {
  /** Extra output state per resource type (computed attributes such as `dnsName`). */
  outputs?: Record<string, (resource: { name: string; inputs: State }) => State>;
  /**
   * The plan's fake cloud: each resource's id and whole state (inputs echoed), in preview as in
   * an update; replaces the `<name>-id` ids and the `arn` and `outputs` answers. `rawInputs` are
   * the inputs as sent (secrets still wrapped).
   */
  cloud?: (
    type: string,
    resource: { name: string; inputs: State; rawInputs: State },
  ) => { id: string; state: State };
  /** Invoke results by token; any other invoke throws. */
  calls?: Record<string, (inputs: State) => State>;
  /** Run as `pulumi preview`: computed outputs and ids stay unknown. */
  preview?: boolean;
  project?: string;
  stack?: string;
}

export class MockRecorder {
  readonly resources: RecordedResource[] = [];
  readonly invokes: { token: string; inputs: State }[] = [];
  readonly registeredOutputs = new Map<string, State>();

  /** Waits until every registration started so far has reached the mock engine. */
  async settled(): Promise<void> {
    await waitForRPCs();
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The only resource of `type`; fails when there are none or several. */
  one(type: string): RecordedResource {
    const found = this.ofType(type);
    if (found.length !== 1) {
      throw new Error(`expected exactly one ${type}, found ${found.length}`);
    }
    return found[0];
  }

  named(type: string, name: string): RecordedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; have ${this.describe()}`);
    return found;
  }

  byUrn(urn: string): RecordedResource | undefined {
    return this.resources.find((r) => r.urn === urn);
  }

  /** Whether `ancestorUrn` is the parent, grandparent, … of `resource`. */
  descendsFrom(resource: RecordedResource, ancestorUrn: string): boolean {
    for (let p = resource.parent; p; p = this.byUrn(p)?.parent ?? "") {
      if (p === ancestorUrn) return true;
    }
    return false;
  }

  describe(): string {
    return this.resources.map((r) => `${r.type}::${r.name}`).join(", ");
  }
}

export function isSecretInput(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG
  );
}

/** `value` with every secret wrapper replaced by its content. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretInput(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Installs the mocks and returns the recorder. Call before constructing any resource. */
export async function setupMocks(options: MockOptions = {}): Promise<MockRecorder> {
  const recorder = new MockRecorder();
  const preview = options.preview ?? false;
  await pulumi.runtime.setMocks(
    {
      newResource({ type, name, inputs, id }) {
        const resource = { name, inputs: unwrapSecrets(inputs) as State };
        if (options.cloud) {
          const answer = options.cloud(type, { ...resource, rawInputs: inputs });
          return { id: id ? id : answer.id, state: answer.state };
        }
        const extra = options.outputs?.[type]?.(resource);
        const computed = preview ? {} : { arn: `arn:mock:${type}:${name}`, ...extra };
        return {
          // The engine sends "" for a new resource; an empty id would read as unknown.
          id: preview ? undefined : id ? id : `${name}-id`,
          state: { ...inputs, ...computed },
        };
      },
      call({ token, inputs }) {
        recorder.invokes.push({ token, inputs });
        const stub = options.calls?.[token];
        if (!stub) {
          // The runtime reports an invoke failure by its gRPC `details`, so set both.
          const message = `unexpected invoke ${token}: stub it in setupMocks({ calls })`;
          throw Object.assign(new Error(message), { details: message });
        }
        return stub(inputs);
      },
    },
    options.project ?? "socketio-fleet",
    options.stack ?? "test",
    preview,
  );
  recordRegistrations(recorder);
  return recorder;
}

/** Wraps the mock monitor so parent and dependencies, which mocks do not pass on, are kept. */
function recordRegistrations(recorder: MockRecorder) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    register(req, (err: unknown, res: any) => {
      if (!err) {
        const rawInputs = pulumi.runtime.deserializeProperties(req.getObject());
        recorder.resources.push({
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          rawInputs,
          inputs: unwrapSecrets(rawInputs) as State,
          dependencies: req.getDependenciesList(),
          provider: req.getProvider() || undefined,
          options: recordedOptions(req),
        });
      }
      callback(err, res);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res: any) => void) => {
    const outputs = req.getOutputs();
    recorder.registeredOutputs.set(
      req.getUrn(),
      outputs ? pulumi.runtime.deserializeProperties(outputs) : {},
    );
    registerOutputs(req, callback);
  };
}

/** The options of a `RegisterResourceRequest` that are set, in a fixed key order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function recordedOptions(req: any): RecordedOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const aliases = req.getAliasesList().map((alias: any) => {
    const spec = alias.getSpec();
    if (!spec) return { urn: alias.getUrn() };
    const fields = {
      name: spec.getName(),
      type: spec.getType(),
      stack: spec.getStack(),
      project: spec.getProject(),
      parentUrn: spec.getParenturn(),
      noParent: spec.getNoparent(),
    };
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== "" && v !== false));
  });
  const aliasUrns: string[] = req.getAliasurnsList();
  const timeouts = req.getCustomtimeouts()?.toObject() as Record<string, string> | undefined;
  const setTimeouts = Object.entries(timeouts ?? {}).filter(([, v]) => v !== "");
  const options: RecordedOptions = {
    protect: req.getProtect() === true ? true : undefined,
    retainOnDelete: req.getRetainondelete() === true ? true : undefined,
    deleteBeforeReplace: req.getDeletebeforereplace() === true ? true : undefined,
    aliases: nonEmpty([...aliasUrns.map((urn) => ({ urn })), ...aliases]),
    ignoreChanges: nonEmpty(req.getIgnorechangesList()),
    replaceOnChanges: nonEmpty(req.getReplaceonchangesList()),
    additionalSecretOutputs: nonEmpty(req.getAdditionalsecretoutputsList()),
    deletedWith: req.getDeletedwith() || undefined,
    customTimeouts: setTimeouts.length > 0 ? Object.fromEntries(setTimeouts) : undefined,
  };
  return Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as RecordedOptions;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
