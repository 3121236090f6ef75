import { describeAdapterConformance } from '../../support/adapter-conformance.js';
import { geminiConformanceKit } from './gemini-conformance-kit.js';

describeAdapterConformance(geminiConformanceKit);
