/** Scenarios that ship with kubestorm, in the package's scenarios/ directory. */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { InputError } from "./diagnostics.js";
import { loadScenarioFile, type Scenario } from "./load.js";

/** The scenario `kubestorm replay` runs when given no name. */
export const DEFAULT_REPLAY = "openai-2024-12-11";

// dist/src/scenario/builtin.js → <package>/scenarios/
const BUILTIN_DIRECTORY = fileURLToPath(new URL("../../../scenarios/", import.meta.url));

export function builtinScenarioNames(): string[] {
  return readdirSync(BUILTIN_DIRECTORY)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length))
    .sort();
}

export function builtinScenarioPath(name: string): string | undefined {
  return builtinScenarioNames().includes(name)
    ? join(BUILTIN_DIRECTORY, `${name}.yaml`)
    : undefined;
}

/** Loads a built-in scenario; an unknown name is an InputError that lists the known ones. */
export function loadBuiltinScenario(name: string): Scenario {
  const path = builtinScenarioPath(name);
  if (path === undefined) {
    const known = builtinScenarioNames();
    throw new InputError([
      {
        file: name,
        line: 0,
        column: 0,
        path: "",
        message: `no built-in scenario of that name; known: ${known.join(", ")}`,
      },
    ]);
  }
  return loadScenarioFile(path);
}
