/** How the CLI prints: aligned tables and key/value blocks for people, JSON for scripts. */
export interface Output {
  json: boolean;
  print(text: string): void;
}

export type Row = Record<string, unknown>;

export function show(output: Output, data: unknown, human: () => string): void {
  output.print(output.json ? JSON.stringify(data, null, 2) : human());
}

/**
 * Columns of the given rows, padded; `-` for missing values. A column may name a field of a nested
 * object with a dot (`invitedUser.id`), so nothing nested lands in a cell as raw JSON.
 */
export function table(rows: Row[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => text(valueAt(row, column))));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((cell) => cell[index]!.length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** One record as `key: value` lines; fields may be dotted paths into nested objects, as in `table`. */
export function record(row: Row, fields: string[] = Object.keys(row)): string {
  const width = Math.max(...fields.map((field) => field.length));
  return fields.map((field) => `${`${field}:`.padEnd(width + 1)} ${text(valueAt(row, field))}`).join('\n');
}

/** The value at a dotted path (`invitedUser.id`); a field whose own name has the dot wins. */
function valueAt(row: Row, path: string): unknown {
  if (path in row) return row[path];
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Row)[part];
  }
  return value;
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(text).join(', ');
  // A nested object nobody named a column for: `key=value` pairs, readable in one cell.
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, inner]) => inner !== null && inner !== undefined);
    return entries.length === 0 ? '-' : entries.map(([key, inner]) => `${key}=${text(inner)}`).join(' ');
  }
  return String(value);
}
