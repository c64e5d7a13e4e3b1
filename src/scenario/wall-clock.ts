/**
 * A scenario may start at a wall-clock time in a time zone, so that timelines print as clock
 * times ("15:16") in that zone. Zone rules come from the ICU data that ships with Node.
 */

export interface WallClockStart {
  /** Milliseconds since the Unix epoch at simulated time 0. */
  epochMs: number;
  /** IANA time zone used to print clock times, e.g. "America/Los_Angeles"; "UTC" by default. */
  timeZone: string;
}

const LOCAL_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses "2024-12-11T14:00", "2024-12-11 14:00:00" or "2024-12-11T14:00:00-08:00". Without an
 * offset the time is read in `timeZone`. Returns undefined for malformed or impossible times.
 */
export function parseWallClock(text: string, timeZone: string): number | undefined {
  const match = LOCAL_DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const utcGuess = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utcGuess);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const offsetText = match[7];
  if (offsetText !== undefined) {
    if (offsetText === "Z") return utcGuess;
    const sign = offsetText.startsWith("-") ? -1 : 1;
    const hours = Number(offsetText.slice(1, 3));
    const minutes = Number(offsetText.slice(4, 6));
    // Zones in use lie from -12:00 to +14:00 (RFC 3339 allows 00-23, but no clock shows +25:00).
    if (hours > MAX_OFFSET_HOURS || minutes > 59 || (hours === MAX_OFFSET_HOURS && minutes > 0)) {
      return undefined;
    }
    return utcGuess - sign * (hours * 60 + minutes) * 60_000;
  }
  // Local time in a zone: the offset depends on the instant, so refine once around DST changes.
  let epoch = utcGuess - zoneOffsetMs(utcGuess, timeZone);
  epoch = utcGuess - zoneOffsetMs(epoch, timeZone);
  return epoch;
}

/** Offsets beyond ±14:00 (Kiribati's +14:00 is the largest in use) are refused. */
const MAX_OFFSET_HOURS = 14;

/**
 * True when a local date and time never shows on the zone's clocks, such as 02:30 on a
 * spring-forward day: the clocks jump from 02:00 to 03:00. `epochMs` is parseWallClock's answer.
 */
export function isSkippedLocalTime(text: string, epochMs: number, timeZone: string): boolean {
  const match = LOCAL_DATE_TIME.exec(text);
  if (match === null || match[7] !== undefined) return false;
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const shown = wallClockParts(epochMs, timeZone);
  return (
    shown.year !== year ||
    shown.month !== month ||
    shown.day !== day ||
    shown.hour !== hour ||
    shown.minute !== minute ||
    shown.second !== second
  );
}

/** The wall-clock fields of an instant in a time zone. */
export interface WallClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const PARTS_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** Year, month, … second of `epochMs` in `timeZone`; a RangeError for an unknown zone. */
export function wallClockParts(epochMs: number, timeZone: string): WallClockParts {
  let format = PARTS_FORMATS.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    PARTS_FORMATS.set(timeZone, format);
  }
  const fields: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  return {
    year: fields.year ?? 1970,
    month: fields.month ?? 1,
    day: fields.day ?? 1,
    hour: (fields.hour ?? 0) % 24,
    minute: fields.minute ?? 0,
    second: fields.second ?? 0,
  };
}

/** Offset of `timeZone` from UTC at an instant, in milliseconds (PST: -8 h). */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const p = wallClockParts(epochMs, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Formats simulated time as a clock time in the start's zone ("15:16"), or as "+1h05m". */
export class ClockFormatter {
  private readonly format: Intl.DateTimeFormat | undefined;

  constructor(private readonly start: WallClockStart | undefined) {
    this.format =
      start === undefined
        ? undefined
        : new Intl.DateTimeFormat("en-GB", {
            timeZone: start.timeZone,
            hourCycle: "h23",
            hour: "2-digit",
            minute: "2-digit",
          });
  }

  /** "15:16" with a start, "+2h05m" (elapsed) without one. */
  time(simulatedSeconds: number): string {
    if (this.format === undefined || this.start === undefined) {
      const minutes = Math.floor(simulatedSeconds / 60);
      return `+${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
    }
    return this.format.format(new Date(this.start.epochMs + simulatedSeconds * 1000));
  }

  /** ISO 8601 instant of a simulated time, or undefined without a start. */
  iso(simulatedSeconds: number): string | undefined {
    return this.start === undefined
      ? undefined
      : new Date(this.start.epochMs + simulatedSeconds * 1000).toISOString();
  }
}
