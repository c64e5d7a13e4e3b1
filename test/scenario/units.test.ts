import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ClockFormatter,
  formatBytes,
  formatDuration,
  parseDuration,
  parseQuantity,
} from "../../src/scenario/index.js";
import { parseWallClock } from "../../src/scenario/wall-clock.js";

test("durations", () => {
  assert.equal(parseDuration("90s"), 90);
  assert.equal(parseDuration("20m"), 1200);
  assert.equal(parseDuration("4h"), 14_400);
  assert.equal(parseDuration("1h30m"), 5400);
  assert.equal(parseDuration("250ms"), 0.25);
  assert.equal(parseDuration("1.5s"), 1.5);
  assert.equal(parseDuration("2d"), 172_800);
  for (const bad of ["", "90", "s", "1x", "1h 30m", "-5s", "1hh"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
  assert.equal(formatDuration(5400), "1h30m");
  assert.equal(formatDuration(0.25), "250ms");
  assert.equal(formatDuration(93_784), "1d2h3m4s");
});

test("quantities", () => {
  assert.equal(parseQuantity("64Gi"), 64 * 2 ** 30);
  assert.equal(parseQuantity("500m"), 0.5);
  assert.equal(parseQuantity("1.5G"), 1.5e9);
  assert.equal(parseQuantity(8), 8);
  assert.equal(parseQuantity("8"), 8);
  for (const bad of ["64GB", "", "Gi", "-1", "1e3"])
    assert.equal(parseQuantity(bad), undefined, bad);
  assert.equal(parseQuantity(-1), undefined);
  assert.equal(formatBytes(64 * 2 ** 30), "64Gi");
});

test("wall-clock starts in a zone, across daylight saving time", () => {
  const la = "America/Los_Angeles";
  assert.equal(parseWallClock("2024-12-11T14:00", la), Date.parse("2024-12-11T22:00:00Z"));
  assert.equal(parseWallClock("2024-07-01 14:00:00", la), Date.parse("2024-07-01T21:00:00Z"));
  assert.equal(
    parseWallClock("2024-12-11T14:00:00-08:00", "UTC"),
    Date.parse("2024-12-11T22:00:00Z"),
  );
  assert.equal(parseWallClock("2024-12-11T14:00Z", la), Date.parse("2024-12-11T14:00:00Z"));
  assert.equal(parseWallClock("2024-02-30T10:00", la), undefined);
  assert.equal(parseWallClock("yesterday", la), undefined);
});

test("timelines print as clock times in the scenario's zone", () => {
  const clock = new ClockFormatter({
    epochMs: Date.parse("2024-12-11T22:00:00Z"),
    timeZone: "America/Los_Angeles",
  });
  assert.equal(clock.time(0), "14:00");
  assert.equal(clock.time(76 * 60), "15:16");
  assert.equal(clock.time(5 * 3600 + 38 * 60), "19:38");
  assert.equal(new ClockFormatter(undefined).time(3900), "+1h05m");
});
