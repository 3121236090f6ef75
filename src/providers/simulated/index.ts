export { simulatedProvider } from './simulated-provider.js';
export { SimulatedChatModel } from './simulated-chat-model.js';
export {
  SIMULATED_FAILURES,
  approximateTokens,
  parseSimulatedSettings,
  type SimulatedFailureKind,
  type SimulatedSettings,
} from './simulated-settings.js';
