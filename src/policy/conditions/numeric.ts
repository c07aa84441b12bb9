/** Numeric condition values: integers or decimals (G17739), compared as numbers ("10.0" equals 10, TV-T15). */

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The number, or NaN when `text` is not a decimal number (a request value that is not matches nothing). */
export function parseNumeric(text: string): number {
  return NUMBER.test(text) ? Number(text) : NaN;
}
