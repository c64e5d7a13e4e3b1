/**
 * Wall-clock time axes: simulated seconds since start shown as HH:MM in the scenario's time
 * zone, with ticks on round local minutes/hours (so a +05:30 zone still gets ticks at :00).
 */
import { wallClockParts, type WallClockParts } from "../../scenario/wall-clock.js";

export interface TimeTick {
  seconds: number;
  /** "HH:MM" in the report's time zone. */
  label: string;
  /** "Dec 11" on the first tick and wherever the local date changes. */
  dayLabel?: string;
}

/** Tick spacings (seconds) tried from the finest up. */
const TICK_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Converts simulated seconds to wall-clock labels in one time zone. */
export class WallClock {
  readonly startEpochMs: number;
  readonly timeZone: string;
  private readonly dayFormat: Intl.DateTimeFormat;

  /** Throws a RangeError naming the bad value if the instant or the zone is invalid. */
  constructor(startIso: string, timeZone: string) {
    const epochMs = Date.parse(startIso);
    if (!Number.isFinite(epochMs)) throw new RangeError(`invalid start instant: ${startIso}`);
    this.startEpochMs = epochMs;
    this.timeZone = timeZone;
    try {
      wallClockParts(epochMs, timeZone);
    } catch {
      throw new RangeError(`invalid IANA time zone: ${timeZone}`);
    }
    this.dayFormat = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric" });
  }

  private parts(seconds: number): WallClockParts {
    return wallClockParts(this.epochMs(seconds), this.timeZone);
  }

  private epochMs(seconds: number): number {
    return this.startEpochMs + seconds * 1000;
  }

  /** Seconds the zone is ahead of UTC at the given simulated time. */
  offsetSeconds(seconds: number): number {
    const p = this.parts(seconds);
    const localAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const wholeSecondEpoch = Math.floor(this.epochMs(seconds) / 1000) * 1000;
    return (localAsUtc - wholeSecondEpoch) / 1000;
  }

  /** "HH:MM", or "HH:MM:SS" with `withSeconds`. */
  clock(seconds: number, withSeconds = false): string {
    const p = this.parts(seconds);
    const pad = (n: number): string => String(n).padStart(2, "0");
    const base = `${pad(p.hour)}:${pad(p.minute)}`;
    return withSeconds ? `${base}:${pad(p.second)}` : base;
  }

  /** "Dec 11". */
  day(seconds: number): string {
    return this.dayFormat.format(this.epochMs(seconds));
  }

  /** Short zone name at the start, e.g. "PST", falling back to the IANA name. */
  zoneAbbreviation(): string {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone: this.timeZone,
      timeZoneName: "short",
    });
    const name = format.formatToParts(this.startEpochMs).find((p) => p.type === "timeZoneName");
    return name?.value ?? this.timeZone;
  }

  /** The start as "Dec 11, 2024 14:00 PST". */
  startLabel(): string {
    const year = this.parts(0).year;
    return `${this.day(0)}, ${year} ${this.clock(0)} ${this.zoneAbbreviation()}`;
  }

  /**
   * The simulated time whose local clock reads `local` (epoch seconds on the local clock), trying
   * the offset before and after a daylight-saving change; a local time the change skipped maps to
   * the first instant after it.
   */
  private secondsAtLocal(local: number, offsetBefore: number, startEpochSeconds: number): number {
    const first = local - offsetBefore - startEpochSeconds;
    const offsetAtFirst = this.offsetSeconds(first);
    if (offsetAtFirst === offsetBefore) return first;
    const second = local - offsetAtFirst - startEpochSeconds;
    if (this.offsetSeconds(second) === offsetAtFirst) return second;
    return Math.max(first, second);
  }

  /** Ticks on round local times within [from, to], at most `maxTicks` of them (unless days apart). */
  ticks(from: number, to: number, maxTicks = 12): TimeTick[] {
    const span = Math.max(to - from, 1);
    const step =
      TICK_STEPS.find((s) => Math.floor(span / s) + 1 <= maxTicks) ??
      TICK_STEPS[TICK_STEPS.length - 1]!;
    const ticks: TimeTick[] = [];
    let previousDay = "";
    // Ticks are found on the local clock (epoch seconds + zone offset), then mapped back.
    const startEpochSeconds = this.startEpochMs / 1000;
    let offset = this.offsetSeconds(from);
    let local = Math.ceil((startEpochSeconds + from + offset) / step) * step;
    // Bounded loop: at most maxTicks + a few, even across a daylight-saving change.
    for (let guard = 0; guard < maxTicks * 4 + 8; guard++) {
      const seconds = this.secondsAtLocal(local, offset, startEpochSeconds);
      offset = this.offsetSeconds(seconds);
      if (seconds > to) break;
      const previous = ticks[ticks.length - 1];
      // A local time skipped or repeated by a daylight-saving change must not go backwards.
      if (seconds >= from && (previous === undefined || seconds > previous.seconds)) {
        const day = this.day(seconds);
        const tick: TimeTick = { seconds, label: this.clock(seconds) };
        if (day !== previousDay) tick.dayLabel = day;
        previousDay = day;
        ticks.push(tick);
      }
      local += step;
    }
    return ticks;
  }
}
