import type { ChatRequest, RequestProfile } from '../spec/index.js';
import { countChatTokens } from '../catalog/index.js';
import { defaultTaskClassifier } from './default-task-classifier.js';
import { difficultyOf, estimateDifficulty, type DifficultyInput, type DifficultySignals } from './estimate-difficulty.js';
import { estimateOutputTokens } from './estimate-output-tokens.js';
import { readConversation } from './read-conversation.js';
import type { TaskClassifier, TaskPrediction } from './task-classifier.js';

export interface AnalyzeRequestDeps {
  /**
   * Counts the request's prompt tokens once for every candidate; defaults to the catalog's
   * count with OpenAI's o200k encoding. Other families' tokenizers differ by a few percent,
   * which the context-window check tolerates; cost estimates are estimates anyway.
   */
  countTokens?: (request: ChatRequest) => number;
  /** Predicts the task when the caller did not name one; defaults to the shipped classifier. */
  classifier?: TaskClassifier;
}

/** The profile plus what went into it, for explanations and tests. */
export interface RequestAnalysis {
  profile: RequestProfile;
  difficultySignals: DifficultySignals;
}

/**
 * Profiles a request once, before routing: tokens in, tokens expected out, capabilities it
 * needs, its task and how hard it looks. Pure apart from the injected counter and classifier.
 */
const REFERENCE_MODEL = { model: 'gpt-4o' };

function countWithReferenceTokenizer(request: ChatRequest): number {
  return countChatTokens(request, REFERENCE_MODEL);
}

/*
 * Classification is a pure function of the text, and templated traffic sends the same system
 * prompt and question over and over. Predictions of texts up to a few kB are kept per classifier
 * instance, oldest dropped first past the bound; longer texts are rarely repeated verbatim.
 */
const CLASSIFY_MEMO_MAX_CHARS = 4096;
const CLASSIFY_MEMO_ENTRIES = 512;
const classifyMemos = new WeakMap<TaskClassifier, Map<string, TaskPrediction>>();

function classifyOnce(classifier: TaskClassifier, text: string): TaskPrediction {
  if (text.length > CLASSIFY_MEMO_MAX_CHARS) return classifier.classify(text);
  let memo = classifyMemos.get(classifier);
  if (memo === undefined) {
    memo = new Map();
    classifyMemos.set(classifier, memo);
  }
  const known = memo.get(text);
  if (known !== undefined) return known;
  const prediction = classifier.classify(text);
  if (memo.size >= CLASSIFY_MEMO_ENTRIES) {
    const oldest = memo.keys().next();
    if (oldest.done !== true) memo.delete(oldest.value);
  }
  memo.set(text, prediction);
  return prediction;
}

/*
 * Both memos (the classifier's above, the difficulty cues') are keyed by the system prompt and
 * question joined; joined afresh, that key is a new string on every request, copied flat and
 * hashed again by each memo. Templated traffic repeats the pair, so the joined text of short
 * pairs is kept and handed out again, already flat and hashed. Past the bound all are dropped.
 */
const JOINED_ENTRIES = 512;
const joinedTexts = new Map<string, Map<string, string>>();
let joinedCount = 0;

function joinedText(system: string, user: string): string {
  if (system.length + user.length >= CLASSIFY_MEMO_MAX_CHARS) return `${system}\n${user}`;
  let bySystem = joinedTexts.get(system);
  const known = bySystem?.get(user);
  if (known !== undefined) return known;
  const text = `${system}\n${user}`;
  if (joinedCount >= JOINED_ENTRIES) {
    joinedTexts.clear();
    joinedCount = 0;
    bySystem = undefined;
  }
  if (bySystem === undefined) {
    bySystem = new Map();
    joinedTexts.set(system, bySystem);
  }
  bySystem.set(user, text);
  joinedCount += 1;
  return text;
}

export function analyzeRequest(request: ChatRequest, deps: AnalyzeRequestDeps = {}): RequestProfile {
  return profileRequest(request, deps, difficultyOf);
}

export function analyzeRequestInDetail(request: ChatRequest, deps: AnalyzeRequestDeps = {}): RequestAnalysis {
  let signals: DifficultySignals | undefined;
  const profile = profileRequest(request, deps, (input) => {
    const estimate = estimateDifficulty(input);
    signals = estimate.signals;
    return estimate.difficulty;
  });
  return { profile, difficultySignals: signals as DifficultySignals };
}

/** The profile, with the difficulty from `difficulty` (which may keep its signals for the detail). */
function profileRequest(request: ChatRequest, deps: AnalyzeRequestDeps, difficultyFor: (input: DifficultyInput) => number): RequestProfile {
  const conversation = readConversation(request);
  const inputTokens = (deps.countTokens ?? countWithReferenceTokenizer)(request);
  // The system prompt often says what the job is ("You are a translator"); the last user turn
  // says what is asked now. Earlier turns would mostly blur the signal.
  const classifiedText = conversation.systemText ? joinedText(conversation.systemText, conversation.lastUserText) : conversation.lastUserText;

  let task: RequestProfile['task'];
  let taskConfidence: number;
  let taskSource: RequestProfile['taskSource'];
  const callerTask = request.routing?.task;
  if (callerTask !== undefined) {
    task = callerTask;
    taskConfidence = 1;
    taskSource = 'caller';
  } else {
    const prediction = classifyOnce(deps.classifier ?? defaultTaskClassifier(), classifiedText);
    task = prediction.task;
    taskConfidence = prediction.confidence;
    taskSource = 'classifier';
  }

  const difficulty = difficultyFor({
    text: classifiedText,
    task,
    inputTokens,
    taskConfidence,
    priorAssistantTurns: conversation.assistantTurns,
  });
  const maxOutputTokens = request.maxOutputTokens;
  const expectedOutputTokens = maxOutputTokens ?? estimateOutputTokens(task, inputTokens, difficulty);
  const json = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
  const profile: RequestProfile = {
    task,
    taskConfidence: Math.round(taskConfidence * 1000) / 1000,
    taskSource,
    difficulty,
    inputTokens,
    expectedOutputTokens,
    needs: {
      tools: (request.tools?.length ?? 0) > 0 && request.toolChoice !== 'none',
      vision: conversation.imageParts > 0,
      json,
      streaming: request.stream === true,
    },
  };
  if (maxOutputTokens !== undefined) profile.maxOutputTokens = maxOutputTokens;
  return profile;
}
