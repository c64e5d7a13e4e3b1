/** Documented exit codes (README, `kubestorm --help`). */
export const EXIT_OK = 0;
/** The run failed, or a run limit (events, wall clock) stopped it. */
export const EXIT_RUN_FAILED = 1;
/** Bad usage or invalid input (scenario file, flag values). */
export const EXIT_USAGE = 2;
