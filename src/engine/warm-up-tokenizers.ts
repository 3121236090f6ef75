import { findModelFamily, preloadEncodings } from '../catalog/index.js';
import type { Gateway } from './gateway.js';

/** Request analysis counts every prompt with OpenAI's o200k encoding (see routing/analyze-request.ts). */
const ANALYSIS_ENCODING = 'o200k_base';

/**
 * Loads, at start-up and after a reload, the tokenizer tables this gateway will count with: the
 * one request analysis uses and those of its deployments' model families. Each takes a few
 * hundred milliseconds to build on first use, so without this the first request pays for it;
 * and each one left unloaded saves its resident tables (cl100k about 2 MB).
 */
export function warmUpTokenizers(gateway: Pick<Gateway, 'listModels'>): void {
  const encodings = new Set<Parameters<typeof preloadEncodings>[0][number]>([ANALYSIS_ENCODING]);
  for (const listing of gateway.listModels()) {
    if (listing.profile !== undefined) encodings.add(findModelFamily(listing.profile.model).tokenizer.encoding);
  }
  preloadEncodings([...encodings]);
}
