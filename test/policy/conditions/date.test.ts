import { describe, expect, it } from 'vitest';
import { parseDate } from '../../../src/policy/conditions/date.js';

describe('parseDate', () => {
  it.each([
    ['2017-07-01T00:00:00Z', Date.UTC(2017, 6, 1)],
    ['2014-11-30T12:00Z', Date.UTC(2014, 10, 30, 12)],
    ['2017-07-01T00:00:00.5Z', Date.UTC(2017, 6, 1, 0, 0, 0, 500)],
    ['2017-07-01T00:00:00.123456789Z', Date.UTC(2017, 6, 1, 0, 0, 0, 123)],
    ['2017-07-01T02:30:00+02:30', Date.UTC(2017, 6, 1)],
    ['2017-06-30T19:00:00-05:00', Date.UTC(2017, 6, 1)],
    ['2017-07-01', Date.UTC(2017, 6, 1)],
    ['2017-07', Date.UTC(2017, 6, 1)],
    ['1498867200', Date.UTC(2017, 6, 1)],
    ['1498867200.25', Date.UTC(2017, 6, 1) + 250],
    ['2016-02-29T00:00:00Z', Date.UTC(2016, 1, 29)],
  ])('%s', (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });

  it.each(['2017-07-01T00:00:00', '2017-07-01T24:00:00Z', '2017-13-01', '2017-02-29', '2017-07-01T00:60Z', '2017-07-01 00:00:00Z', 'July 1, 2017', '-1', '', '2017-07-01T00:00:00+2:00'])(
    'refuses %s',
    (text) => {
      expect(parseDate(text)).toBeNaN();
    },
  );
});
