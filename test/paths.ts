/** Locations used by tests: they run from dist/test/, the fixtures live in test/fixtures/. */
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
export const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
