import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/config-schema.js';
import { SqliteFeedbackStore } from '../../state/feedback/sqlite-feedback-store.js';
import { GatewayLearning, type GatewayLearningOptions } from './gateway-learning.js';

/**
 * Opens the process's learning state: with `learning.store: sqlite` feedback is kept in
 * `<dataDir>/feedback.sqlite` and replayed into the quality estimates, so a restart keeps them.
 * Called once at start, off the request path.
 */
export function openGatewayLearning(config: GatewayConfig, options: { dataDir?: string } & Omit<GatewayLearningOptions, 'store'> = {}): GatewayLearning {
  const learningOptions: GatewayLearningOptions = {};
  if (options.random !== undefined) learningOptions.random = options.random;
  if (config.learning.store === 'sqlite') {
    const dir = options.dataDir ?? config.dataDir;
    mkdirSync(dir, { recursive: true });
    learningOptions.store = new SqliteFeedbackStore(join(dir, 'feedback.sqlite'));
  }
  return new GatewayLearning(config, learningOptions);
}
