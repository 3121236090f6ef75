import { z } from 'zod';

/*
 * Google's Generative Language API (v1beta) response shapes, reduced to the fields the adapter
 * reads. Lenient on purpose: unknown fields are ignored and enum-like values stay plain strings,
 * so a new finish reason or part kind from Google never fails a whole answer.
 */

const partialArgSchema = z.object({
  jsonPath: z.string().optional(),
  stringValue: z.string().optional(),
  numberValue: z.number().optional(),
  boolValue: z.boolean().optional(),
  nullValue: z.string().nullable().optional(),
  willContinue: z.boolean().optional(),
});

const functionCallSchema = z.object({
  /** Set by some Google endpoints; the Gemini API usually leaves calls without an id. */
  id: z.string().optional(),
  name: z.string().optional(),
  args: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Incremental arguments (streamFunctionCallArguments); see map-gemini-stream.ts. */
  partialArgs: z.array(partialArgSchema).optional(),
  willContinue: z.boolean().optional(),
});

const partSchema = z.object({
  text: z.string().optional(),
  /** True on thought-summary parts (includeThoughts). */
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: functionCallSchema.optional(),
});

const contentSchema = z.object({
  role: z.string().optional(),
  parts: z.array(partSchema).optional(),
});

const candidateSchema = z.object({
  content: contentSchema.optional(),
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  index: z.number().int().optional(),
});

export const geminiUsageMetadataSchema = z.object({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
});

export const geminiResponseSchema = z.object({
  candidates: z.array(candidateSchema).optional(),
  promptFeedback: z
    .object({
      blockReason: z.string().optional(),
      blockReasonMessage: z.string().optional(),
    })
    .optional(),
  usageMetadata: geminiUsageMetadataSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});

export const geminiErrorBodySchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});

export const geminiBatchEmbedResponseSchema = z.object({
  embeddings: z.array(z.object({ values: z.array(z.number()) })),
  usageMetadata: z.object({ promptTokenCount: z.number().optional() }).optional(),
});

export type GeminiResponse = z.infer<typeof geminiResponseSchema>;
export type GeminiCandidate = z.infer<typeof candidateSchema>;
export type GeminiResponsePart = z.infer<typeof partSchema>;
export type GeminiFunctionCall = z.infer<typeof functionCallSchema>;
export type GeminiPartialArg = z.infer<typeof partialArgSchema>;
export type GeminiUsageMetadata = z.infer<typeof geminiUsageMetadataSchema>;
export type GeminiErrorBody = z.infer<typeof geminiErrorBodySchema>;

/* Request shapes: built by us, so plain types suffice. */

export interface GeminiRequestPart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType: string; fileUri: string };
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
  thoughtSignature?: string;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiRequestPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: {
    functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
  };
  safetySettings?: Array<{ category: string; threshold: string }>;
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: { includeThoughts?: boolean; thinkingLevel?: 'low' | 'high'; thinkingBudget?: number };
}
