export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

export interface RenderTableOptions {
  /** ANSI bold headers and dim rules; only for terminals. */
  colour?: boolean;
}

/** Width as a terminal shows it; ANSI escapes take no room. */
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const visibleLength = (text: string): number => text.replace(ANSI, '').length;

/** A plain text table with aligned columns, for `switchyard report` and `switchyard audit`. */
export function renderTable(columns: readonly TableColumn[], rows: ReadonlyArray<readonly string[]>, options: RenderTableOptions = {}): string {
  const widths = columns.map((column, i) => Math.max(visibleLength(column.header), ...rows.map((row) => visibleLength(row[i] ?? ''))));
  const pad = (text: string, i: number): string => {
    const gap = ' '.repeat(Math.max(0, widths[i]! - visibleLength(text)));
    return columns[i]!.align === 'right' ? gap + text : text + gap;
  };
  const line = (cells: readonly string[]): string => cells.map((cell, i) => pad(cell, i)).join('  ').trimEnd();
  const header = line(columns.map((c) => c.header));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    options.colour === true ? `${ESC}[1m${header}${ESC}[0m` : header,
    options.colour === true ? `${ESC}[2m${rule}${ESC}[0m` : rule,
    ...rows.map((row) => line(row)),
  ].join('\n');
}
