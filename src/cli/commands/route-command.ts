import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { Decision } from '../../spec/decision.js';
import type { RoutingWishes } from '../../spec/routing-wishes.js';
import { isTaskType, TASK_TYPES } from '../../spec/task-type.js';
import { formatTable } from '../format-table.js';
import { formatUsd } from '../format-usd.js';
import { checkPolicyName } from '../check-policy-name.js';
import { withCliGateway } from '../open-cli-gateway.js';
import { parseCount } from '../parse-count.js';
import { parsePriorities } from '../parse-priorities.js';

interface RouteOptions {
  policy?: string;
  priority?: string;
  task?: string;
  maxTokens?: string;
  model: string;
  file?: string;
  config?: string;
  json?: boolean;
}

/** `switchyard route "<prompt>"`: the routing decision for a prompt, without calling any model. */
export function registerRouteCommand(program: Command): void {
  program
    .command('route')
    .description('Show which deployment would answer a prompt and why (no model is called)')
    .argument('[prompt]', 'the user message; with --file, put before the file contents')
    .option('--file <path>', 'read the prompt (or the document after it) from a file')
    .option('--policy <name>', 'routing policy (default: the config default, balanced)')
    .option('--priority <list>', 'request priorities, e.g. cost=1,latency=0.5,quality=2')
    .option('--task <type>', `override the task classifier: ${TASK_TYPES.join(', ')}`)
    .option('--max-tokens <n>', 'the caller\'s output cap')
    .option('--model <name>', 'what the request asks for: auto, router/<policy>, an alias or a deployment', 'auto')
    .option('-c, --config <path>', 'config file (default: $SWITCHYARD_CONFIG or ./switchyard.yaml)')
    .option('--json', 'print the decision as JSON')
    .action(async (prompt: string | undefined, options: RouteOptions) => {
      const request = await buildRequest(prompt, options);
      const decision = await withCliGateway(options.config, (gateway) => {
        checkPolicyName(gateway, options.policy);
        return gateway.route(request, options.policy === undefined ? {} : { policy: options.policy });
      });
      console.log(options.json === true ? JSON.stringify(decision, null, 2) : renderDecision(decision));
    });
}

async function buildRequest(prompt: string | undefined, options: RouteOptions): Promise<ChatRequest> {
  const pieces: string[] = [];
  if (prompt !== undefined && prompt !== '') pieces.push(prompt);
  if (options.file !== undefined) {
    try {
      pieces.push(await readFile(options.file, 'utf8'));
    } catch (error) {
      throw new GatewayError('invalid_request', `cannot read --file ${options.file}: ${(error as Error).message}`, { param: 'file', cause: error });
    }
  }
  if (pieces.length === 0) throw new GatewayError('invalid_request', 'give a prompt, --file, or both', { param: 'prompt' });
  const routing: RoutingWishes = {};
  if (options.priority !== undefined) routing.priorities = parsePriorities(options.priority);
  if (options.task !== undefined) {
    if (!isTaskType(options.task)) throw new GatewayError('invalid_request', `--task must be one of ${TASK_TYPES.join(', ')}, not "${options.task}"`, { param: 'task' });
    routing.task = options.task;
  }
  const request: ChatRequest = { model: options.model, messages: [{ role: 'user', content: pieces.join('\n\n') }] };
  if (Object.keys(routing).length > 0) request.routing = routing;
  if (options.maxTokens !== undefined) request.maxOutputTokens = parseCount(options.maxTokens, '--max-tokens');
  return request;
}

/** The decision as plain text: profile, ranked candidates, their reasons, the excluded ones. */
export function renderDecision(decision: Decision): string {
  const p = decision.profile;
  const task = p.taskSource === 'classifier' ? `${p.task} (classifier, confidence ${p.taskConfidence.toFixed(2)})` : `${p.task} (given)`;
  const lines = [
    // elapsedUs is left to --json: a one-off command's first decision includes loading the tokenizer.
    `Decision ${decision.id}: ${decision.requested} under policy ${decision.policy}`,
    `Request: task ${task}, difficulty ${p.difficulty.toFixed(2)}, ${p.inputTokens} input tokens, ${p.expectedOutputTokens} expected output tokens${p.maxOutputTokens === undefined ? '' : ` (cap ${p.maxOutputTokens})`}${describeNeeds(p.needs)}`,
    '',
  ];
  if (decision.candidates.length === 0) {
    lines.push('No deployment can serve this request.');
  } else {
    const rows = decision.candidates.map((c, index) => [
      String(index + 1),
      c.deploymentId,
      c.score.toFixed(3),
      c.parts.cost.toFixed(2),
      c.parts.latency.toFixed(2),
      c.parts.quality.toFixed(2),
      c.parts.reliability.toFixed(2),
      formatUsd(c.estimatedCostUsd),
      `${c.estimatedLatencyMs} ms`,
      c.expectedQuality.toFixed(2),
    ]);
    const w = decision.candidates[0]?.parts.weights;
    const headers = ['RANK', 'DEPLOYMENT', 'SCORE', 'COST', 'LATENCY', 'QUALITY', 'RELIABILITY', 'EST. COST', 'EST. LATENCY', 'EXP. QUALITY'];
    lines.push(formatTable(headers, rows));
    if (w !== undefined) lines.push(`score = ${w.cost.toFixed(2)} x cost + ${w.latency.toFixed(2)} x latency + ${w.quality.toFixed(2)} x quality + ${w.reliability.toFixed(2)} x reliability (parts in [0, 1], higher is better)`);
  }
  lines.push('', 'Why:', ...decision.reasons.map((reason) => `  - ${reason}`));
  if (decision.candidates.length > 0) {
    lines.push('', 'Reasons per candidate:');
    decision.candidates.forEach((c, index) => {
      lines.push(`  ${index + 1}. ${c.deploymentId}`, ...c.reasons.map((reason) => `       ${reason}`));
    });
  }
  if (decision.excluded.length > 0) {
    lines.push('', 'Excluded:', formatTable(['DEPLOYMENT', 'REASON', 'DETAIL'], decision.excluded.map((e) => [e.deploymentId, e.reason, e.detail])));
  }
  return lines.join('\n');
}

function describeNeeds(needs: Decision['profile']['needs']): string {
  const wanted = (Object.keys(needs) as (keyof typeof needs)[]).filter((key) => needs[key]);
  return wanted.length === 0 ? '' : `, needs ${wanted.join(', ')}`;
}
