import type { ProviderFactory } from '../provider-factory.js';
import { SimulatedChatModel } from './simulated-chat-model.js';

/** The built-in `simulated` provider: deterministic, clearly labelled answers with no network. */
export const simulatedProvider: ProviderFactory = {
  name: 'simulated',
  create: (options) => new SimulatedChatModel(options),
};
