import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { ProviderFactory, ProviderFactoryOptions } from '../provider-factory.js';
import { GeminiChatModel } from './gemini-chat-model.js';
import { geminiThinkingControl } from './map-gemini-reasoning-effort.js';

const settingsSchema = z.strictObject({
  /** Gemini `safetySettings`, e.g. `[{category: HARM_CATEGORY_HARASSMENT, threshold: BLOCK_ONLY_HIGH}]`. */
  safetySettings: z.array(z.strictObject({ category: z.string(), threshold: z.string() })).optional(),
  /** Ask for thought summaries; they come back as `reasoning`. */
  includeThoughts: z.boolean().optional(),
  /** Replay tool calls with Google's placeholder thought signature; default: on for Gemini 3 and later. */
  placeholderThoughtSignatures: z.boolean().optional(),
  /** How `reasoning_effort` is sent: `level` (Gemini 3+), `budget` (2.5), `none`; default: from the model name. */
  thinkingControl: z.enum(['level', 'budget', 'none']).optional(),
});

export const geminiProvider: ProviderFactory = {
  name: 'gemini',
  create(options: ProviderFactoryOptions): GeminiChatModel {
    const parsed = settingsSchema.safeParse(options.settings ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue?.path.join('.') ?? '';
      throw new GatewayError('invalid_request', `${options.deploymentId}: settings${path ? `.${path}` : ''}: ${issue?.message ?? 'invalid'}.`);
    }
    const settings = parsed.data;
    const family = geminiThinkingControl(options.model);
    return new GeminiChatModel({
      deploymentId: options.deploymentId,
      model: options.model,
      pools: options.pools,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(settings.safetySettings !== undefined ? { safetySettings: settings.safetySettings } : {}),
      ...(settings.includeThoughts !== undefined ? { includeThoughts: settings.includeThoughts } : {}),
      thinkingControl: settings.thinkingControl ?? family,
      // Gemini 3 and later (the models whose thinking is set by level) reject replayed function
      // calls without a thought signature.
      placeholderThoughtSignatures: settings.placeholderThoughtSignatures ?? family === 'level',
    });
  },
};
