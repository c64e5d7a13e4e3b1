export { Simulation, SimulationError, formatSeconds } from "./simulation.js";
export type {
  RunLimits,
  RunOutcome,
  StopReason,
  EventCallback,
  EventHandle,
} from "./simulation.js";
export { RandomStream, MAX_SEED, isValidSeed } from "./random.js";
