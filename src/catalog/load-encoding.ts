import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { parseTiktokenRanks } from './bpe-rank-table.js';
import { BpeTokenCounter } from './bpe-token-counter.js';
import type { TokenizerChoice } from './model-families.js';

type EncodingName = TokenizerChoice['encoding'];

const SPLIT_REGEX: Record<EncodingName, RegExp> = {
  o200k_base: O200K_TOKEN_SPLIT_REGEX,
  cl100k_base: CL100K_TOKEN_SPLIT_REGEX,
};

const require = createRequire(import.meta.url);
const loaded = new Map<EncodingName, BpeTokenCounter>();

/**
 * The encoding's counter, built on first use from the rank file gpt-tokenizer ships
 * (`data/<name>.tiktoken`, OpenAI's published ranks) and the package's own split regex. Building
 * takes tens of milliseconds, so importing the catalog stays cheap (the CLI and start-up need it
 * without counting) and a server that wants the cost paid before its first request calls
 * `preloadEncodings(names)` with the encodings it will use. Each one stays resident as typed
 * arrays outside the JavaScript heap: o200k about 4 MB, cl100k about 2 MB (the package's own
 * string tables took 15 and 10 MB of heap).
 */
export function loadEncoding(name: EncodingName): BpeTokenCounter {
  let counter = loaded.get(name);
  if (counter === undefined) {
    const table = parseTiktokenRanks(readFileSync(require.resolve(`gpt-tokenizer/data/${name}.tiktoken`)));
    counter = new BpeTokenCounter(table, SPLIT_REGEX[name]);
    loaded.set(name, counter);
  }
  return counter;
}

export function preloadEncodings(names: readonly EncodingName[]): void {
  for (const name of names) loadEncoding(name);
}
