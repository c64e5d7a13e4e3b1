/**
 * The Component contract: everything simulated is a component with a name, its own random
 * stream, the ports it provides and needs, and hooks to attach to a world and be sampled.
 * A component is one file plus the line that adds it to an assembly; nothing central grows.
 */
import type { RandomStream, Simulation } from "../sim/index.js";
import type { AnyPort, Port } from "./ports.js";
import type { StateChecker } from "./checker.js";

export interface Component {
  /** Unique within its assembly (a cluster, or the fleet). */
  readonly name: string;
  /** Ports this component provides once attached. */
  readonly provides?: readonly AnyPort[];
  /** Ports that must be provided (in its assembly or above) before it attaches. */
  readonly needs?: readonly AnyPort[];
  /** Builds the component's state on the world's kernel and provides its ports. */
  attach(context: ComponentContext): void;
  /**
   * Starts the component's activity once its assembly is complete (components added after it
   * may subscribe to it first). Called once, in the order components were added.
   */
  start?(): void;
  /** Called at each sampling step of the world (every simulated minute by default). */
  sample?(now: number): void;
}

export interface ComponentContext {
  /** The world's kernel: clock and events. */
  readonly sim: Simulation;
  /** The seed of the run. */
  readonly seed: number;
  /** The assembly the component belongs to ("" for the fleet). */
  readonly assembly: string;
  /**
   * A random stream of this component's own, from (seed, assembly, name): adding or removing
   * another component does not change its draws. `stream` names a further stream of its own.
   */
  random(stream?: string): RandomStream;
  /** The value of a port this component needs; throws if nothing provides it. */
  get<T>(port: Port<T>): T;
  /** The value of a port if something provides it. */
  find<T>(port: Port<T>): T | undefined;
  /** Provides one of the ports the component declared. */
  provide<T>(port: Port<T>, value: T): void;
  /** The state checker, when the run is checked. */
  readonly checker: StateChecker | undefined;
}
