import { BadRequestError } from '../errors.ts';

/**
 * The small part of OData `$filter` the sign-in and audit logs take: clauses joined by `and`,
 * each `path eq 'text'`, `path eq 0` / `ne 0` on numbers, `path ge <ISO date-time>` on the log's
 * time, and (audits) `targetResources/any(t: t/id eq 'id')`. Anything else is a 400 naming the
 * clause: a filter that is silently ignored would show the wrong entries.
 */

export type FilterField<T> =
  | { kind: 'text'; value: (record: T) => string | null | undefined; caseInsensitive?: boolean }
  | { kind: 'number'; value: (record: T) => number }
  | { kind: 'time' }
  | { kind: 'anyOf'; values: (record: T) => string[] };

export interface ParsedActivityFilter<T> {
  notBeforeMs?: number;
  matches: (record: T) => boolean;
}

const COMPARISON = /^([A-Za-z][\w/]*)\s+(eq|ne|ge)\s+(.+)$/;
const ANY = /^([A-Za-z]\w*)\/any\(\s*(\w+)\s*:\s*\2\/(\w+)\s+eq\s+'((?:[^']|'')*)'\s*\)$/;
const TEXT = /^'((?:[^']|'')*)'$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseActivityFilter<T>(filter: string | undefined, fields: Record<string, FilterField<T>>): ParsedActivityFilter<T> {
  const tests: Array<(record: T) => boolean> = [];
  let notBeforeMs: number | undefined;
  const supported = Object.entries(fields).map(([path, field]) => (field.kind === 'anyOf' ? `${path.split('/')[0]}/any(t: t/${path.split('/')[1]} eq '…')` : path)).join(', ');
  const refuse = (clause: string, why: string) => new BadRequestError(`Unsupported $filter '${clause}': ${why}. Filter on ${supported}, clauses joined by and.`);

  for (const raw of (filter ?? '').trim() === '' ? [] : (filter as string).trim().split(/\s+and\s+/i)) {
    const clause = raw.trim();
    const any = ANY.exec(clause);
    if (any) {
      const field = fields[`${any[1]}/${any[3]}`];
      if (field?.kind !== 'anyOf') throw refuse(clause, `${any[1]}/${any[3]} cannot be filtered with any()`);
      const wanted = (any[4] as string).replace(/''/g, "'");
      tests.push((record) => field.values(record).includes(wanted));
      continue;
    }
    const match = COMPARISON.exec(clause);
    if (!match) throw refuse(clause, 'use field eq \'value\'');
    const [, path, operator, literal] = match as unknown as [string, string, string, string];
    const field = fields[path];
    if (!field || field.kind === 'anyOf') throw refuse(clause, `${path} is not a field this log filters on`);
    switch (field.kind) {
      case 'text': {
        const text = TEXT.exec(literal);
        if (operator !== 'eq' || !text) throw refuse(clause, `${path} takes eq and a quoted value`);
        const wanted = (text[1] as string).replace(/''/g, "'");
        tests.push(field.caseInsensitive
          ? (record) => (field.value(record) ?? '').toLowerCase() === wanted.toLowerCase()
          : (record) => field.value(record) === wanted);
        break;
      }
      case 'number': {
        if ((operator !== 'eq' && operator !== 'ne') || !/^-?\d{1,10}$/.test(literal)) throw refuse(clause, `${path} takes eq or ne and a whole number`);
        const wanted = Number(literal);
        tests.push(operator === 'eq' ? (record) => field.value(record) === wanted : (record) => field.value(record) !== wanted);
        break;
      }
      case 'time': {
        const text = TEXT.exec(literal)?.[1] ?? literal;
        const ms = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
        if (operator !== 'ge' || Number.isNaN(ms)) throw refuse(clause, `${path} takes ge and an ISO 8601 date-time such as 2026-01-31T00:00:00Z`);
        notBeforeMs = Math.max(notBeforeMs ?? 0, ms);
        break;
      }
    }
  }
  return { ...(notBeforeMs === undefined ? {} : { notBeforeMs }), matches: (record) => tests.every((test) => test(record)) };
}
