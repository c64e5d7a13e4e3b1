export { writeArtefacts, writeFileAtomic } from "./artefacts.js";
export { runResultJson, runResultTable } from "./run-summary.js";
