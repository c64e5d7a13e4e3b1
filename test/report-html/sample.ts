/**
 * A sample report generated from simple curves shaped like the 2024-12-11 replay, with text that
 * needs escaping in every field. Tests build it fresh: nothing here is a stored expected output.
 */
import { Simulation } from "../../src/sim/index.js";
import type { ChartSpec, ReportInput } from "../../src/report/html/index.js";

/** Text that breaks a page if it is not escaped: markup, an event handler, quotes, ampersand. */
export const HOSTILE_TEXT = `<img id="injected" src=x onerror="document.body.dataset.pwned='1'"> & "quoted" 'single'`;

export const SAMPLE_START_ISO = "2024-12-11T14:00:00-08:00";
export const SAMPLE_TIME_ZONE = "America/Los_Angeles";
const DURATION_SECONDS = 6 * 3600;
const STEP_SECONDS = 30;

/** Seconds since 14:00 PST for a local "HH:MM" on Dec 11. */
export function at(clock: string): number {
  const [hours, minutes] = clock.split(":").map(Number) as [number, number];
  return (hours - 14) * 3600 + minutes * 60;
}

/** A smooth step from 0 to 1 centred on `centre` with the given width (seconds). */
function ramp(t: number, centre: number, width: number): number {
  return 1 / (1 + Math.exp(-(t - centre) / width));
}

function series(
  sim: Simulation,
  stream: string,
  shape: (t: number) => number | null,
  noise: number,
): [number, number | null][] {
  const random = sim.random(stream);
  const points: [number, number | null][] = [];
  for (let t = 0; t <= DURATION_SECONDS; t += STEP_SECONDS) {
    const value = shape(t);
    points.push([t, value === null ? null : Math.max(0, value * (1 + random.normal(0, noise)))]);
  }
  return points;
}

/** Fraction of the incident's overload at time t: rises at 15:05, falls after 16:30. */
function overload(t: number, clusterDelay: number): number {
  return (
    ramp(t, at("15:05") + clusterDelay, 240) * (1 - ramp(t, at("16:40") + clusterDelay * 3, 900))
  );
}

function charts(sim: Simulation): ChartSpec[] {
  const clusters = [
    { name: "prod-largest (7,500 nodes)", delay: 0 },
    { name: "prod-medium", delay: 600 },
    { name: "prod-small", delay: 1500 },
  ];
  return [
    {
      id: "apiserver-latency",
      title: "Apiserver p99 latency",
      unit: "s",
      log: true,
      lines: clusters.map((c) => ({
        label: c.name,
        points: series(sim, `latency-${c.name}`, (t) => 0.05 + 59.95 * overload(t, c.delay), 0.08),
      })),
      markers: [{ seconds: at("15:35"), label: "request timeout (60 s) reached" }],
    },
    {
      id: "throttled",
      title: `429 responses ${HOSTILE_TEXT}`,
      unit: "req/s",
      lines: clusters.map((c, i) => ({
        label: c.name,
        points: series(sim, `429-${c.name}`, (t) => (4000 / (i + 1)) * overload(t, c.delay), 0.1),
      })),
    },
    {
      id: "memory",
      title: "Apiserver memory, largest cluster",
      unit: "GiB",
      yMax: 80,
      lines: [1, 2, 3].map((replica) => ({
        label: `replica ${replica}`,
        // OOM kills leave gaps while the replica restarts.
        points: series(
          sim,
          `memory-${replica}`,
          (t) => {
            const crashed = t > at("15:20") + replica * 300 && t < at("15:30") + replica * 300;
            return crashed ? null : 20 + 50 * overload(t, replica * 120);
          },
          0.02,
        ),
      })),
      markers: [{ seconds: at("15:18"), label: "memory limit 72 GiB first exceeded" }],
    },
    {
      id: "dns",
      title: "DNS success rate",
      unit: "%",
      yMax: 100,
      lines: clusters.map((c) => ({
        label: c.name,
        points: series(
          sim,
          `dns-${c.name}`,
          (t) =>
            100 *
            (1 -
              0.97 *
                ramp(t, at("15:25") + c.delay, 300) *
                (1 - ramp(t, at("16:50") + c.delay * 3, 600))),
          0.003,
        ),
      })),
    },
    {
      id: "product",
      title: "Product success rate",
      unit: "%",
      yMax: 100,
      lines: ["API", "ChatGPT", "Sora"].map((product, i) => ({
        label: product,
        points: series(
          sim,
          `product-${product}`,
          (t) =>
            100 *
            (1 - 0.9 * ramp(t, at("15:30"), 400) * (1 - ramp(t, at("17:36") + i * 1200, 700))),
          0.004,
        ),
      })),
    },
  ];
}

/** The sample report; the same seed gives the same report. */
export function sampleReportInput(seed = 20241211): ReportInput {
  const sim = new Simulation(seed);
  return {
    title: `2024-12-11 fleet outage replay ${HOSTILE_TEXT}`,
    subtitle: `scenario openai-2024-12-11 · seed ${seed} · kubestorm 0.1.0`,
    timeZone: SAMPLE_TIME_ZONE,
    startIso: SAMPLE_START_ISO,
    timeline: [
      {
        event: "Change merged, pipeline triggered",
        publishedSeconds: at("14:23"),
        simulatedSeconds: at("14:23"),
        toleranceMinutes: 0,
      },
      {
        event: "Rollout reaches first clusters",
        publishedSeconds: at("14:51"),
        simulatedSeconds: at("14:51"),
        toleranceMinutes: 2,
      },
      {
        event: "Alerts fire",
        publishedSeconds: at("15:13"),
        simulatedSeconds: at("15:09"),
        toleranceMinutes: 5,
      },
      {
        event: "Customer impact begins",
        publishedSeconds: at("15:16"),
        simulatedSeconds: at("15:21"),
        toleranceMinutes: 10,
      },
      {
        event: "Traffic moved away from impacted clusters",
        publishedSeconds: at("15:27"),
        simulatedSeconds: at("15:27"),
        toleranceMinutes: 0,
        note: "operator action, scripted",
      },
      {
        event: `Peak customer impact ${HOSTILE_TEXT}`,
        publishedSeconds: at("15:40"),
        simulatedSeconds: at("16:02"),
        toleranceMinutes: 10,
        note: "DNS caches drain slower in the model",
      },
      {
        event: "First cluster recovered",
        publishedSeconds: at("16:36"),
        simulatedSeconds: at("16:44"),
        toleranceMinutes: 15,
      },
      {
        event: "API substantially recovered",
        publishedSeconds: at("17:36"),
        simulatedSeconds: at("17:31"),
        toleranceMinutes: 15,
      },
      { event: "All clusters recovered", publishedSeconds: at("19:38"), toleranceMinutes: 20 },
      { event: "Apiserver memory limit first exceeded", simulatedSeconds: at("15:18") },
    ],
    charts: charts(sim),
    events: [
      {
        seconds: at("14:51"),
        cluster: "prod-largest",
        actor: "pipeline",
        detail: "telemetry DaemonSet applied",
        ok: true,
      },
      {
        seconds: at("15:02"),
        cluster: "prod-medium",
        actor: "pipeline",
        detail: "telemetry DaemonSet applied",
        ok: true,
      },
      { seconds: at("15:13"), actor: "alerting", detail: "apiserver error-rate alert fires" },
      {
        seconds: at("15:27"),
        actor: "operator",
        detail: "move traffic to healthy clusters",
        ok: true,
      },
      {
        seconds: at("15:45"),
        cluster: "prod-largest",
        actor: "operator",
        detail: `kubectl rollback ${HOSTILE_TEXT}`,
        ok: false,
      },
      {
        seconds: at("16:05"),
        cluster: "prod-largest",
        actor: "operator",
        detail: "block admin API at the network",
        ok: true,
      },
      {
        seconds: at("16:20"),
        cluster: "prod-largest",
        actor: "operator",
        detail: "scale apiservers up",
        ok: true,
      },
      {
        seconds: at("16:30"),
        cluster: "prod-largest",
        actor: "operator",
        detail: "telemetry DaemonSet deleted",
        ok: true,
      },
    ],
    comparison: {
      columns: [
        { key: "errorMinutes", label: "error minutes", unit: "min" },
        { key: "peakLatency", label: "peak p99 latency", unit: "s" },
        { key: "throttled", label: "429 responses", unit: "M" },
        { key: "adminAccess", label: "admin API reachable", better: "higher", unit: "%" },
        { key: "recovered", label: "all recovered", better: "none" },
      ],
      rows: [
        {
          variant: "as happened",
          description: "fleet-wide rollout, no control-plane gate",
          values: {
            errorMinutes: 262,
            peakLatency: 60,
            throttled: 41.2,
            adminAccess: 3,
            recovered: "19:34",
          },
        },
        {
          variant: "phased rollout",
          description: "halt after the first cluster's SLO breach",
          values: {
            errorMinutes: 38,
            peakLatency: 60,
            throttled: 6.1,
            adminAccess: 3,
            recovered: "15:58",
          },
        },
        {
          variant: "break-glass priority level",
          description: "exempt FlowSchema for operators",
          values: {
            errorMinutes: 121,
            peakLatency: 58,
            throttled: 44.9,
            adminAccess: 100,
            recovered: "17:02",
          },
        },
        {
          variant: `DNS decoupled ${HOSTILE_TEXT}`,
          description: "data plane survives without the control plane",
          values: {
            errorMinutes: 0,
            peakLatency: 60,
            throttled: 41.2,
            adminAccess: 3,
            recovered: null,
          },
        },
      ],
    },
    summary: [
      { label: "customer-facing error minutes", value: "262 min" },
      { label: "peak apiserver p99 latency", value: "60 s" },
      { label: "milestones within tolerance", value: "6 / 9" },
      { label: "apiserver OOM kills", value: "14" },
      { label: `label ${HOSTILE_TEXT}`, value: "<b>not bold</b>" },
    ],
    notes: [
      "DNS cache TTLs are spread uniformly over 20 minutes (assumed from the published report).",
      `Scenario text is shown verbatim: ${HOSTILE_TEXT}`,
    ],
  };
}
