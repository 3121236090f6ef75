/**
 * Rows as an aligned text table. Headers are bold only on a terminal: piped output stays plain
 * text for grep and scripts.
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, options: { color?: boolean } = {}): string {
  const color = options.color ?? (process.stdout.isTTY === true && process.env.NO_COLOR === undefined);
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const head = line(headers);
  return [color ? `\u001b[1m${head}\u001b[0m` : head, ...rows.map(line)].join('\n');
}
