import type { OutcomeClass } from './outcome-class.js';

/** The plain-data description of a failure, for places that must not depend on error classes. */
export interface GatewayErrorInfo {
  code: string;
  message: string;
  outcome: OutcomeClass;
  status?: number;
}
