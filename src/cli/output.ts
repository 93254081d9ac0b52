/** How the CLI prints: aligned tables and key/value blocks for people, JSON for scripts. */
export interface Output {
  json: boolean;
  print(text: string): void;
}

export type Row = Record<string, unknown>;

export function show(output: Output, data: unknown, human: () => string): void {
  output.print(output.json ? JSON.stringify(data, null, 2) : human());
}

/** Columns of the given rows, padded; `-` for missing values. */
export function table(rows: Row[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => text(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((cell) => cell[index]!.length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** One record as `key: value` lines. */
export function record(row: Row, fields: string[] = Object.keys(row)): string {
  const width = Math.max(...fields.map((field) => field.length));
  return fields.map((field) => `${`${field}:`.padEnd(width + 1)} ${text(row[field])}`).join('\n');
}

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(String).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
