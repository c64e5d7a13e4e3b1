/**
 * How the replay's outcomes move with its assumed parameters: the apiserver scale-up delay and
 * the CoreDNS pod restart rate. Prints Markdown tables (docs/model.md keeps the last run's).
 *
 *   npm run build && node dist/bench/replay-sensitivity.js
 */
import { availableParallelism } from "node:os";
import { runInParallel, type RunResult } from "../src/fleet/index.js";
import { DEFAULT_REPLAY, loadBuiltinScenario, type Scenario } from "../src/scenario/index.js";
import { measureSeconds } from "../src/report/index.js";

function clock(result: RunResult, seconds: number | undefined): string {
  if (seconds === undefined || result.start === undefined) return "never";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: result.timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(Date.parse(result.start) + seconds * 1000));
}

async function sweep(
  title: string,
  values: number[],
  label: (value: number) => string,
  change: (scenario: Scenario, value: number) => void,
): Promise<void> {
  const tasks = values.map((value) => {
    const scenario = loadBuiltinScenario(DEFAULT_REPLAY);
    change(scenario, value);
    return { scenario, options: {} };
  });
  const results = await runInParallel(tasks, availableParallelism());
  console.log(`\n${title}\n`);
  console.log("| value | impact begins | peak | first recovered | all recovered | error minutes |");
  console.log("|---|---|---|---|---|---|");
  results.forEach((result, index) => {
    const o = result.outcomes;
    const errors = Object.values(o.errorMinutes).reduce((a, b) => a + b, 0);
    console.log(
      `| ${label(values[index])} | ${clock(result, measureSeconds(result, "impact-start"))} | ` +
        `${clock(result, o.peakImpactSeconds)} | ${clock(result, o.firstRecoveredSeconds)} | ` +
        `${clock(result, o.allRecoveredSeconds)} | ${errors.toFixed(1)} |`,
    );
  });
}

await sweep(
  "Apiserver scale-up delay (operators.runbook.apiserverProvisioning)",
  [300, 600, 1200, 2400],
  (v) => `${v / 60} min`,
  (s, v) => (s.operators.runbook.apiserverProvisioningSeconds = v),
);
await sweep(
  "CoreDNS pod restarts per replica per hour (dns.restartsPerReplicaPerHour)",
  [0, 0.25, 1, 4],
  (v) => String(v),
  (s, v) => {
    for (const cluster of s.clusters) cluster.dns.restartsPerReplicaPerHour = v;
  },
);
await sweep(
  "Seed (the same scenario, other random draws)",
  [1, 2, 3, 4],
  (v) => String(v),
  (s, v) => (s.seed = v),
);
