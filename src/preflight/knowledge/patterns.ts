/** Pieces of the regular expressions the entries share. */

/** A value that refers to a variable (`${env:X}`, `${X}`, `$(X)`), or a bare variable name. */
export const ENV_REF =
  "(\\$\\{(?:env:|env\\.)?[A-Za-z_][A-Za-z0-9_]*\\}|\\$\\([A-Za-z_][A-Za-z0-9_]*\\)|[A-Z_][A-Z0-9_]*)";
