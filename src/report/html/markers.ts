/** Vertical markers shared by all charts: published milestones, operator events, chart notes. */
import type { ReportInput } from "./types.js";

export type MarkerKind = "published" | "event-ok" | "event-failed" | "event" | "chart";

export interface Marker {
  seconds: number;
  /** Short text in the badge above the plot: "T3", "7", "A". */
  badge: string;
  /** Full text, shown on hover and read by screen readers. */
  title: string;
  kind: MarkerKind;
}

/** Markers every chart carries: published timeline events (T1…) and operator events (1…). */
export function sharedMarkers(input: ReportInput): Marker[] {
  const markers: Marker[] = [];
  input.timeline.forEach((entry, index) => {
    if (entry.publishedSeconds === undefined || !Number.isFinite(entry.publishedSeconds)) return;
    markers.push({
      seconds: entry.publishedSeconds,
      badge: `T${index + 1}`,
      title: `published: ${entry.event}`,
      kind: "published",
    });
  });
  sortedEvents(input).forEach((event, index) => {
    if (!Number.isFinite(event.seconds)) return;
    const where = event.cluster !== undefined ? ` [${event.cluster}]` : "";
    markers.push({
      seconds: event.seconds,
      badge: String(index + 1),
      title: `${event.actor}${where}: ${event.detail}`,
      kind: event.ok === true ? "event-ok" : event.ok === false ? "event-failed" : "event",
    });
  });
  return markers;
}

/** Events in time order; the events table numbers them the same way as the chart badges. */
export function sortedEvents(input: ReportInput): ReportInput["events"] {
  return [...input.events].sort((a, b) => a.seconds - b.seconds);
}

/** Letters for a chart's own markers: A…Z, then AA, AB… */
export function markerLetter(index: number): string {
  let text = "";
  let n = index;
  do {
    text = String.fromCharCode(65 + (n % 26)) + text;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return text;
}
