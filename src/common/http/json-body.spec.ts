import { depthOf, MAX_JSON_DEPTH } from './json-body.js';

describe('depthOf', () => {
  it.each([
    ['a string', 'x', 0],
    ['null', null, 0],
    ['an empty object', {}, 1],
    ['a flat body', { email: 'a@b.co', password: 'x' }, 1],
    ['an object in an array', [{ a: 1 }], 2],
    ['three levels', { a: { b: { c: 1 } } }, 3],
  ])('gives %s a depth of %i', (_label, value, depth) => {
    expect(depthOf(value)).toBe(depth);
  });

  it('walks 100,000 levels without overflowing the stack, stopping past the limit', () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(depthOf(value)).toBe(MAX_JSON_DEPTH + 1);
  });
});
