export type { Component, ComponentContext } from "./component.js";
export { definePort, type AnyPort, type Port } from "./ports.js";
export { World, WorldError, type WorldOptions } from "./world.js";
export { RULES, StateChecker, StateViolation, type RuleName } from "./checker.js";
