import { preloadEncodings } from '../catalog/load-encoding.js';

/**
 * Loads the tokenizer tables at start-up. They take a few hundred milliseconds to build on
 * first use; without this the first request after start pays for it.
 */
export function warmUpTokenizers(): void {
  preloadEncodings();
}
