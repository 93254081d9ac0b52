import { failureOfProblem, failureStatus, SIGN_IN_FAILURES } from '../../src/activity/sign-in-failures.ts';
import { parseActivityFilter } from '../../src/admin/activity-filter.ts';

/** The sign-in log's error codes: stable, distinct, and a new kind of problem is still logged. */

test('every failure kind has its own errorCode, none is 0, and every reason is words', () => {
  const codes = Object.values(SIGN_IN_FAILURES).map((entry) => entry.errorCode);
  expect(new Set(codes).size).toBe(codes.length);
  expect(codes).not.toContain(0);
  for (const entry of Object.values(SIGN_IN_FAILURES)) expect(entry.reason({}).length).toBeGreaterThan(20);
});

test('Entra\'s numbers where Entra has the case', () => {
  expect(failureStatus({ kind: 'wrongCode' }).errorCode).toBe(50126);
  expect(failureStatus({ kind: 'lockedOut', values: { lockedUntil: '2026-11-24T12:15:00.000Z' } })).toEqual({
    errorCode: 50053, failureReason: expect.stringContaining('locked out until 2026-11-24T12:15:00.000Z'),
  });
  expect(failureStatus({ kind: 'notInvited' }).errorCode).toBe(50020);
  expect(failureStatus({ kind: 'accountBlocked' }).errorCode).toBe(50057);
  expect(failureStatus({ kind: 'expired' }).errorCode).toBe(50089);
});

test('Block sign-in\'s problem page is logged as a blocked account, and an unknown problem as a generic failure naming it', () => {
  expect(failureStatus(failureOfProblem('accountDisabled'))).toEqual({ errorCode: 50057, failureReason: expect.stringContaining('accountEnabled') });
  expect(failureStatus(failureOfProblem('somethingNew'))).toEqual({ errorCode: 1900099, failureReason: expect.stringContaining('somethingNew') });
  expect(failureStatus({ kind: 'madeUpLater' as never })).toEqual({ errorCode: 1900099, failureReason: expect.stringContaining('madeUpLater') });
  // Inherited names are not problem codes.
  expect(failureOfProblem('toString').kind).toBe('other');
  // An upstream's error code is kept only when it is one.
  expect(failureOfProblem('upstreamRefused', { upstream: 'Okta', oauthError: '<script>' }).values).toEqual({ upstream: 'Okta' });
});

test('the log filter: clauses joined by and; anything it cannot apply is refused', () => {
  const fields = {
    name: { kind: 'text' as const, value: (record: { name: string; code: number }) => record.name, caseInsensitive: true },
    code: { kind: 'number' as const, value: (record: { name: string; code: number }) => record.code },
    time: { kind: 'time' as const },
  };
  const parsed = parseActivityFilter("name eq 'O''Brien' and code ne 0 and time ge 2026-11-01T00:00:00Z", fields);
  expect(parsed.notBeforeMs).toBe(Date.UTC(2026, 10, 1));
  expect(parsed.matches({ name: "o'brien", code: 50126 })).toBe(true);
  expect(parsed.matches({ name: "o'brien", code: 0 })).toBe(false);
  expect(parseActivityFilter(undefined, fields).matches({ name: 'x', code: 0 })).toBe(true);
  for (const bad of ["name ne 'x'", 'code eq x', 'time ge 2026-13-45', "other eq 'x'", "name eq 'x' or code eq 0", ' and ']) {
    expect(() => parseActivityFilter(bad, fields)).toThrow(/Unsupported \$filter/);
  }
});
