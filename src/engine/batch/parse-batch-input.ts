export interface BatchInputLine {
  /** 0-based position among the file's non-empty lines. */
  index: number;
  customId: string;
  body: unknown;
}

export type BatchInputError = { code: string; message: string; line?: number };

/**
 * Reads a Batch API input file: one JSON object per line with `custom_id` (unique), `method`
 * `POST`, `url` equal to the batch's endpoint and a `body`. The whole file is refused on the
 * first malformed line, as OpenAI refuses it while validating.
 */
export function parseBatchInput(content: Buffer, endpoint: string): { lines: BatchInputLine[] } | { errors: BatchInputError[] } {
  const lines: BatchInputLine[] = [];
  const seen = new Set<string>();
  const texts = content.toString('utf8').split('\n');
  for (const [position, raw] of texts.entries()) {
    const text = raw.trim();
    if (text === '') continue;
    const lineNumber = position + 1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { errors: [{ code: 'invalid_json_line', message: `Line ${lineNumber} is not valid JSON.`, line: lineNumber }] };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { errors: [{ code: 'invalid_request', message: `Line ${lineNumber} is not a JSON object.`, line: lineNumber }] };
    }
    const entry = value as { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
    if (typeof entry.custom_id !== 'string' || entry.custom_id === '') return { errors: [{ code: 'missing_required_parameter', message: `Line ${lineNumber} has no custom_id.`, line: lineNumber }] };
    if (seen.has(entry.custom_id)) return { errors: [{ code: 'duplicate_custom_id', message: `Line ${lineNumber} repeats custom_id '${entry.custom_id}'.`, line: lineNumber }] };
    if (entry.method !== 'POST') return { errors: [{ code: 'invalid_method', message: `Line ${lineNumber}: method must be POST.`, line: lineNumber }] };
    if (entry.url !== endpoint) return { errors: [{ code: 'mismatched_endpoint', message: `Line ${lineNumber}: url must be the batch's endpoint ${endpoint}.`, line: lineNumber }] };
    if (entry.body === null || typeof entry.body !== 'object') return { errors: [{ code: 'invalid_request', message: `Line ${lineNumber} has no body object.`, line: lineNumber }] };
    seen.add(entry.custom_id);
    lines.push({ index: lines.length, customId: entry.custom_id, body: entry.body });
  }
  if (lines.length === 0) return { errors: [{ code: 'empty_file', message: 'The input file has no requests.' }] };
  return { lines };
}
