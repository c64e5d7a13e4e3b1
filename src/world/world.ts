/**
 * The World owns the kernel, the run's seed and the state checker, and connects components
 * through ports. Components live in assemblies (a cluster is one; the fleet is the root): a
 * port is looked up in the component's assembly first, then in the root.
 */
import { Simulation, type RandomStream, type RunLimits, type RunOutcome } from "../sim/index.js";
import type { Component, ComponentContext } from "./component.js";
import type { Port } from "./ports.js";
import { StateChecker } from "./checker.js";

export interface WorldOptions {
  seed: number;
  /** Check conservation rules on every transition (tests, `--check`, swarm runs). */
  check?: boolean;
}

export class WorldError extends Error {
  override name = "WorldError";
}

class Assembly {
  readonly ports = new Map<string, unknown>();
  readonly components: Component[] = [];
  /** Components before this index have been started. */
  started = 0;
  readonly names = new Set<string>();
  constructor(
    readonly name: string,
    readonly parent: Assembly | undefined,
  ) {}

  lookup(id: string): unknown {
    if (this.ports.has(id)) return this.ports.get(id);
    return this.parent?.lookup(id);
  }

  has(id: string): boolean {
    return this.ports.has(id) || (this.parent?.has(id) ?? false);
  }
}

export class World {
  readonly sim: Simulation;
  readonly seed: number;
  readonly checker: StateChecker | undefined;
  private readonly root = new Assembly("", undefined);
  private readonly assemblies = new Map<string, Assembly>([["", this.root]]);
  private readonly sampled: Component[] = [];
  private sampling = false;

  constructor(options: WorldOptions) {
    this.seed = options.seed;
    this.sim = new Simulation(options.seed);
    this.checker =
      options.check === true ? new StateChecker(options.seed, () => this.sim.now) : undefined;
  }

  /**
   * Adds and attaches a component to an assembly ("" or omitted: the fleet). Its needs must be
   * provided already: add components in dependency order (a port names what was missing).
   */
  add(component: Component, assemblyName = ""): this {
    const assembly = this.assembly(assemblyName);
    if (assembly.names.has(component.name)) {
      throw new WorldError(`component ${qualified(assemblyName, component.name)} is added twice`);
    }
    for (const port of component.needs ?? []) {
      if (!assembly.has(port.id)) {
        throw new WorldError(
          `component ${qualified(assemblyName, component.name)} needs port ${port.id}, which nothing added before it provides`,
        );
      }
    }
    assembly.names.add(component.name);
    assembly.components.push(component);
    component.attach(this.context(component, assembly));
    for (const port of component.provides ?? []) {
      if (!assembly.ports.has(port.id)) {
        throw new WorldError(
          `component ${qualified(assemblyName, component.name)} declares port ${port.id} but did not provide it`,
        );
      }
    }
    if (component.sample !== undefined) this.sampled.push(component);
    return this;
  }

  /** The value of a port in an assembly (or the fleet), if provided. */
  find<T>(port: Port<T>, assemblyName = ""): T | undefined {
    return this.assemblies.get(assemblyName)?.lookup(port.id) as T | undefined;
  }

  /** Components of an assembly, in the order they were added. */
  components(assemblyName = ""): readonly Component[] {
    return this.assemblies.get(assemblyName)?.components ?? [];
  }

  /** Assemblies with at least one component, the fleet ("") first. */
  assemblyNames(): string[] {
    return [...this.assemblies.keys()];
  }

  /** Calls every component's `sample` each `stepSeconds` of simulated time. */
  sampleEvery(stepSeconds: number): void {
    if (this.sampling) return;
    this.sampling = true;
    const tick = (): void => {
      for (const component of this.sampled) component.sample?.(this.sim.now);
      this.sim.schedule(stepSeconds, tick);
    };
    this.sim.schedule(stepSeconds, tick);
  }

  /**
   * Starts the components of an assembly (or of every assembly) not started yet, in the order
   * they were added. `run` starts whatever is left.
   */
  start(assemblyName?: string): void {
    const assemblies =
      assemblyName === undefined ? [...this.assemblies.values()] : [this.assembly(assemblyName)];
    for (const assembly of assemblies) {
      while (assembly.started < assembly.components.length) {
        assembly.components[assembly.started++].start?.();
      }
    }
  }

  run(options: RunLimits = {}): RunOutcome {
    this.start();
    return this.sim.run(options);
  }

  private assembly(name: string): Assembly {
    let assembly = this.assemblies.get(name);
    if (assembly === undefined) {
      assembly = new Assembly(name, this.root);
      this.assemblies.set(name, assembly);
    }
    return assembly;
  }

  private context(component: Component, assembly: Assembly): ComponentContext {
    const sim = this.sim;
    const declared = new Set((component.provides ?? []).map((port) => port.id));
    const needed = new Set((component.needs ?? []).map((port) => port.id));
    const label = qualified(assembly.name, component.name);
    return {
      sim,
      seed: this.seed,
      assembly: assembly.name,
      checker: this.checker,
      random: (stream?: string): RandomStream =>
        sim.random(
          `world/${assembly.name === "" ? "" : `${assembly.name}/`}${stream ?? component.name}`,
        ),
      get: <T>(port: Port<T>): T => {
        if (!needed.has(port.id) && !declared.has(port.id)) {
          throw new WorldError(`component ${label} reads port ${port.id} without declaring it`);
        }
        if (!assembly.has(port.id)) {
          throw new WorldError(`component ${label} needs port ${port.id}, which is not provided`);
        }
        return assembly.lookup(port.id) as T;
      },
      find: <T>(port: Port<T>): T | undefined => assembly.lookup(port.id) as T | undefined,
      provide: <T>(port: Port<T>, value: T): void => {
        if (!declared.has(port.id)) {
          throw new WorldError(`component ${label} provides port ${port.id} without declaring it`);
        }
        if (assembly.ports.has(port.id)) {
          throw new WorldError(
            `port ${port.id} of ${assembly.name || "the fleet"} is provided twice`,
          );
        }
        assembly.ports.set(port.id, value);
      },
    };
  }
}

function qualified(assembly: string, name: string): string {
  return assembly === "" ? name : `${assembly}/${name}`;
}
