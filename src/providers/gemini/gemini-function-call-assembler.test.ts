import { describe, expect, it } from 'vitest';
import { GeminiFunctionCallAssembler } from './gemini-function-call-assembler.js';

describe('GeminiFunctionCallAssembler', () => {
  it('hands out a whole call at once', () => {
    const assembler = new GeminiFunctionCallAssembler();
    expect(assembler.push({ name: 'f', args: { a: 1 } })).toEqual([{ name: 'f', args: { a: 1 } }]);
    expect(assembler.flush()).toBeUndefined();
  });

  it('joins string pieces per path and sets numbers, booleans, nulls, nested keys and array items', () => {
    const assembler = new GeminiFunctionCallAssembler();
    expect(assembler.push({ name: 'book', willContinue: true })).toEqual([]);
    const steps = [
      { jsonPath: '$.city', stringValue: 'San ', willContinue: true },
      { jsonPath: '$.city', stringValue: 'Fran', willContinue: true },
      { jsonPath: '$.city', stringValue: 'cisco' },
      { jsonPath: '$.nights', numberValue: 3 },
      { jsonPath: '$.options.breakfast', boolValue: true },
      { jsonPath: '$.guests[1].name', stringValue: 'Ada' },
      { jsonPath: "$['room type']", stringValue: 'double' },
      { jsonPath: '$.note', nullValue: 'NULL_VALUE' },
    ];
    for (const partial of steps) expect(assembler.push({ partialArgs: [partial], willContinue: true })).toEqual([]);
    expect(assembler.push({})).toEqual([
      { name: 'book', args: { city: 'San Francisco', nights: 3, options: { breakfast: true }, guests: [undefined, { name: 'Ada' }], 'room type': 'double', note: null } },
    ]);
  });

  it('replaces rather than appends a string whose earlier piece was final', () => {
    const assembler = new GeminiFunctionCallAssembler();
    assembler.push({ name: 'f', willContinue: true, partialArgs: [{ jsonPath: '$.a', stringValue: 'x' }] });
    expect(assembler.push({ partialArgs: [{ jsonPath: '$.a', stringValue: 'y' }] })).toEqual([{ name: 'f', args: { a: 'y' } }]);
  });

  it('closes a call cut short by the next named call, and flushes one left open', () => {
    const assembler = new GeminiFunctionCallAssembler();
    assembler.push({ name: 'first', willContinue: true, partialArgs: [{ jsonPath: '$.q', stringValue: 'par', willContinue: true }] });
    expect(assembler.push({ name: 'second', willContinue: true })).toEqual([{ name: 'first', args: { q: 'par' } }]);
    expect(assembler.flush()).toEqual({ name: 'second', args: {} });
  });

  it('ignores paths that would reach an object prototype', () => {
    const assembler = new GeminiFunctionCallAssembler();
    assembler.push({ name: 'f', willContinue: true, partialArgs: [{ jsonPath: '$.__proto__.polluted', stringValue: 'yes' }] });
    expect(assembler.push({})).toEqual([{ name: 'f', args: {} }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ignores nameless parts when no call is open', () => {
    expect(new GeminiFunctionCallAssembler().push({})).toEqual([]);
  });
});
