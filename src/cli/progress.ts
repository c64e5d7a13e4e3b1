/**
 * A progress bar on stderr for runs longer than about a second, only when stderr is a
 * terminal: piped or redirected output stays clean.
 */
import { formatDuration } from "../scenario/index.js";

const SHOW_AFTER_MS = 1000;
const BAR_WIDTH = 30;

export interface Progress {
  update(now: number): void;
  done(): void;
}

export function createProgress(
  totalSeconds: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (!stream.isTTY || totalSeconds <= 0) return { update: () => {}, done: () => {} };
  const started = Date.now();
  let shown = false;
  return {
    update(now: number) {
      if (!shown && Date.now() - started < SHOW_AFTER_MS) return;
      shown = true;
      const fraction = Math.min(1, now / totalSeconds);
      const filled = Math.round(fraction * BAR_WIDTH);
      stream.write(
        `\r[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ` +
          `${formatDuration(Math.floor(now))} of ${formatDuration(totalSeconds)} simulated`,
      );
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
    },
  };
}
