import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200k } from 'gpt-tokenizer/encoding/o200k_base';
import { lookupRank, parseTiktokenRanks } from './bpe-rank-table.js';
import { loadEncoding } from './load-encoding.js';

const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** A seeded generator, so a failure names a text that can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', ' \t\n\r  \u00a0\u3000',
  '.,;:!?\'"()[]{}<>/\\|-_=+*&^%$#@~`', 'éèàüöñçßøåÆŒ', 'абвгдежзийклмнопрстуфхцчшщыэюя', 'αβγδεζηθλμξπσφψω',
  '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年', 'あいうえおかきくけこさしすせそアイウエオカキクケコ', '가나다라마바사아자차카타파하한국어',
  'ابتثجحخدذرزسشصضطظعغفقكلمنهوي', 'अआइईउऊएऐओऔकखगघचछजझटठडढ्ािीुूेैोौं', 'שלוםאבגדהוזחטיכלמנסעפצקרשת',
  '😀😂🥲👍🏽🚀🇫🇷👨‍👩‍👧‍👦', '\u0301\u0308\u200d\ufe0f\u200b', '\ufeff', '\ud800\udc00\ud83d', '<|endoftext|><|im_start|><|im_end|><|fim_prefix|>',
];

function randomText(next: () => number, length: number): string {
  let text = '';
  let alphabet = ALPHABETS[0]!;
  while (text.length < length) {
    if (next() < 0.15) alphabet = ALPHABETS[Math.floor(next() * ALPHABETS.length)]!;
    const chars = Array.from(alphabet);
    text += chars[Math.floor(next() * chars.length)];
  }
  return text;
}

const here = import.meta.dirname;
const FIXED = [
  '', 'hello world', 'tiktoken is great!', "I'm sure they'll've DONE it, WE'RE told.",
  'a <|endoftext|> b <|im_start|>system<|im_sep|>x<|im_end|><|endofprompt|>', '<|endoftext|>',
  ' '.repeat(1000), '\n'.repeat(300), '\t \t \n  \r\n'.repeat(200), `x${' '.repeat(5000)}y`, 'a'.repeat(3000), '1234567890'.repeat(50),
  '\ufeffusing System;\n\ufeff\ufeffnamespace x;', '\ufeff\ufeff\ufeff', 'lone \ud800 high and \udc00 low surrogates', '\ud83d',
  'Ünïcödé façade — naïve café, “quotes” and ‘apostrophes’…', '日本語のテキストと中文文本以及한국어 텍스트', 'مرحبا بالعالم. שלום עולם.',
  'नमस्ते दुनिया', '👩🏽‍💻 writes 🧑‍🚀 code 🇯🇵🇺🇸', 'e\u0301\u0301\u0301 combining', 'https://example.com/a/b?c=d&e=f#g',
  '{"role":"user","content":"Explain connection pooling in two sentences."}', 'SELECT * FROM users WHERE id = 42;\n',
];

function corpus(): string[] {
  const texts = [...FIXED];
  // Code and prose from this project's own sources and docs.
  for (const file of readdirSync(here).filter((name) => name.endsWith('.ts') || name.endsWith('.md'))) {
    const source = readFileSync(join(here, file), 'utf8');
    texts.push(source);
    for (let at = 0; at < source.length; at += 700) texts.push(source.slice(at, at + 900));
  }
  const next = random(7);
  for (let i = 0; i < 400; i += 1) texts.push(randomText(next, 1 + Math.floor(next() * 400)));
  return texts;
}

describe('BpeTokenCounter', () => {
  const texts = corpus();

  it.each([
    ['o200k_base', o200k],
    ['cl100k_base', cl100k],
  ] as const)('counts exactly what gpt-tokenizer counts with %s', (name, reference) => {
    const counter = loadEncoding(name);
    const mismatches = texts.filter((text) => counter.count(text) !== reference(text, PLAIN_TEXT)).map((text) => JSON.stringify(text.slice(0, 80)));
    expect(texts.length).toBeGreaterThan(500);
    expect(mismatches).toEqual([]);
  });

  it('counts the same text again from its piece cache', () => {
    const counter = loadEncoding('o200k_base');
    const text = 'Zyzzogeton quixotically flabbergasted the zeugmatic xylophonists';
    expect(counter.count(text)).toBe(counter.count(text));
    expect(counter.count(text)).toBe(o200k(text));
  });
});

describe('parseTiktokenRanks', () => {
  it('maps every listed token to its rank and unknown bytes to -1', () => {
    const file = Buffer.from('IQ== 0\nIg== 1\naGVsbG8= 3\n4pyTeA== 2\n');
    const table = parseTiktokenRanks(file);
    const rankOf = (text: string): number => {
      const bytes = Buffer.from(text);
      return lookupRank(table, bytes, 0, bytes.length);
    };
    expect([rankOf('!'), rankOf('"'), rankOf('✓x'), rankOf('hello'), rankOf('hell'), rankOf('')]).toEqual([0, 1, 2, 3, -1, -1]);
  });

  it('reads CRLF and CR-only line ends and no final line end', () => {
    for (const file of ['IQ== 0\r\nIg== 1\r\n', 'IQ== 0\rIg== 1', 'IQ== 0\nIg== 1']) {
      const table = parseTiktokenRanks(Buffer.from(file));
      expect([lookupRank(table, Buffer.from('!'), 0, 1), lookupRank(table, Buffer.from('"'), 0, 1)]).toEqual([0, 1]);
    }
  });

  it('rejects a file with the same bytes under two ranks', () => {
    expect(() => parseTiktokenRanks(Buffer.from('IQ== 0\nIQ== 1\n'))).toThrow(/same bytes/);
  });
});
