import type { ChatResult, Gateway } from '../../src/engine/gateway.js';
import { observeGateway } from '../../src/server/observe-gateway.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { ChatResponse } from '../../src/spec/chat-response.js';
import type { Decision } from '../../src/spec/decision.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { batchedLogDestination } from '../../src/telemetry/tick-batched-destination.js';
import { createTelemetry } from '../../src/telemetry/create-telemetry.js';
import { heapAllocatedDuring } from './heap-allocated-during.js';

/**
 * CPU microseconds and V8 heap bytes per request of the telemetry path alone, in one process:
 * chat calls through `observeGateway` over a gateway that answers at once, reported to the
 * production listeners (metrics, rolling stats, the decision recorder with the memory decision
 * log, the status board, the request log through the production logger, asynchronous writes to
 * /dev/null). Every fourth call yields to the event loop, so the log destination writes as it
 * does in a server. Routing, the ledger and HTTP are left out, so a change to the telemetry path
 * shows here well above the noise of `cpu-per-request.js`.
 *
 *   node dist/bench/overhead/telemetry-per-request.js [requests=50000]
 */
const total = Number(process.argv[2] ?? 50000);

const decision: Decision = {
  id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  requested: 'bench/one',
  policy: 'direct',
  profile: { task: 'chat', taskConfidence: 0.9, taskSource: 'classifier', difficulty: 0.3, inputTokens: 40, expectedOutputTokens: 120, needs: { tools: false, vision: false, json: false, streaming: false } },
  candidates: [
    {
      deploymentId: 'bench/one',
      score: 1,
      parts: { cost: 0.5, latency: 0.5, quality: 0.5, reliability: 1, weights: { cost: 0.25, latency: 0.25, quality: 0.25, reliability: 0.25 } },
      estimatedCostUsd: 0.00003,
      maxCostUsd: 0.0001,
      estimatedLatencyMs: 800,
      expectedQuality: 0.8,
      reasons: ['named in the request'],
    },
  ],
  excluded: [],
  reasons: ['model names a deployment'],
};
const result: ChatResult = {
  response: { choices: [{ index: 0, message: { role: 'assistant', content: 'Pooled connections skip the handshakes.' }, finishReason: 'stop' }] } as unknown as ChatResponse,
  decision,
  deploymentId: 'bench/one',
  usage: { inputTokens: 40, outputTokens: 30 },
  costUsd: 0.000024,
  attempts: [{ deploymentId: 'bench/one', outcome: 'ok', latencyMs: 3.2, ttftMs: 3.1, usage: { inputTokens: 40, outputTokens: 30 } }],
};
const answering = { chat: () => Promise.resolve(result) } as unknown as Gateway;

const logger = createLogger({ level: 'info', destination: batchedLogDestination('/dev/null') });
const telemetry = createTelemetry({ logger });
const gateway = observeGateway(answering, telemetry.observer, {});
const request = { model: 'bench/one', messages: [{ role: 'user', content: 'Why pool connections?' }] } as ChatRequest;

let sequence = 0;
async function drive(count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    sequence += 1;
    await gateway.chat(request, { requestId: `0193a1b2-c3d4-7e5f-8a9b-${String(sequence).padStart(12, '0')}`, principal: { keyId: 'key_bench' } });
    if (index % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
  }
}

await drive(Math.min(20000, total));
const before = process.cpuUsage();
const allocated = await heapAllocatedDuring(() => drive(total));
const used = process.cpuUsage(before);
process.stdout.write(`telemetry path: ${total} requests, ${((used.user + used.system) / total).toFixed(1)} µs CPU per request, ${(allocated / total / 1000).toFixed(1)} kB allocated per request\n`);
await telemetry.close();
