import { MemoryStore } from '../../src/state/index.js';
import { describeStoreContract } from './describe-store-contract.js';

describeStoreContract('memory', async () => new MemoryStore());
