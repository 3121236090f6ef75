import type { RoutingExample } from '../../src/eval/routing-dataset.js';

/** Small deterministic PRNG (mulberry32) so that generated data sets repeat exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const EASY = ['What colour is the sky on a clear day?', 'Which animal says moo?', 'What is two plus two?', 'Name a fruit that is yellow.'];
const HARD = [
  'Which statement best explains why the equilibrium constant of an exothermic reaction decreases when temperature rises, assuming 3 moles of gas react at 298 K and 2 atm?',
  'Explain why the Krebs cycle intermediates must be replenished by anaplerotic reactions when 4 of them are withdrawn for biosynthesis in 12 tissues.',
  'Which factor most strongly determines the 7 observed differences in metamorphic grade across 5 sedimentary layers in a subduction zone of 40 km depth?',
];

/**
 * Prompts of two tasks answered by three models: `small` (cheap, good only on easy prompts),
 * `medium`, and `large` (expensive, good on everything). A third of the prompts are hard, and
 * the hard ones are long and carry digits, so a router can tell them from the text; both tasks
 * mix easy and hard alike, so knowing the task alone does not help.
 */
export function syntheticRoutingData(count: number, seed = 7): RoutingExample[] {
  const random = seededRandom(seed);
  const examples: RoutingExample[] = [];
  for (let i = 0; i < count; i += 1) {
    const hard = random() < 0.3;
    const task = i % 3 === 0 ? 'code' : 'qa';
    const base = hard ? HARD[i % HARD.length] : EASY[i % EASY.length];
    const prompt = task === 'code' ? `Write a function: ${base}` : `${base}\nA) one\nB) two\nC) three\nD) four\nAnswer:`;
    const chance = { small: hard ? 0.1 : 0.95, medium: hard ? 0.4 : 0.95, large: hard ? 0.95 : 0.95 };
    const extra = 1e-7 * prompt.length;
    examples.push({
      id: `ex-${i}`,
      task,
      prompt,
      outcomes: {
        small: { score: random() < chance.small ? 1 : 0, cost: 0.001 + extra },
        medium: { score: random() < chance.medium ? 1 : 0, cost: 0.01 + extra },
        large: { score: random() < chance.large ? 1 : 0, cost: 0.1 + extra },
      },
    });
  }
  return examples;
}

export function toJsonl(examples: readonly RoutingExample[]): string {
  return `${examples.map((e) => JSON.stringify(e)).join('\n')}\n`;
}
