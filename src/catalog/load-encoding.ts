import { createRequire } from 'node:module';
import type { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { TokenizerChoice } from './model-families.js';

interface Encoding {
  countTokens: typeof countTokens;
}
type EncodingName = TokenizerChoice['encoding'];

const require = createRequire(import.meta.url);
const loaded = new Map<EncodingName, Encoding>();

/**
 * The encoding, loaded on first use. Each rank table takes a few hundred milliseconds to load,
 * so importing the catalog stays cheap (the CLI and start-up need it without counting) and a
 * server that wants the cost paid before its first request calls `preloadEncodings(names)` with
 * the encodings it will use (each one also stays resident: o200k about 15 MB of heap, cl100k 10).
 */
export function loadEncoding(name: EncodingName): Encoding {
  let encoding = loaded.get(name);
  if (encoding === undefined) {
    // Synchronous require of the package's CommonJS build keeps counting a plain function call.
    encoding = require(`gpt-tokenizer/cjs/encoding/${name}`) as Encoding;
    loaded.set(name, encoding);
  }
  return encoding;
}

export function preloadEncodings(names: readonly EncodingName[]): void {
  for (const name of names) loadEncoding(name);
}
