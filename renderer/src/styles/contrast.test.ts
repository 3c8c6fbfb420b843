// Every text colour on every background it is used on meets WCAG AA, in the light and the dark scheme.
/// <reference types="node" />
// (Node's fs reads the stylesheet: vitest hands CSS imports to the test as empty modules.)
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrast, PAIRS, variablesIn } from './contrast.ts';

const css = fs.readFileSync(new URL('./base.css', import.meta.url), 'utf8');
const light = variablesIn(css, ':root {');
const dark = { ...light, ...variablesIn(css, '@media (prefers-color-scheme: dark)') };

describe('colour contrast (WCAG AA)', () => {
  it('computes ratios as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });

  for (const [scheme, vars] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`${scheme}: each pair reaches its minimum`, () => {
      const failing = PAIRS.flatMap(([fg, bg, min, where]) => {
        const a = vars[fg];
        const b = vars[bg];
        if (!a || !b) return [`${fg} on ${bg}: variable missing`];
        const ratio = contrast(a, b);
        return ratio >= min ? [] : [`${fg} ${a} on ${bg} ${b} (${where}): ${ratio.toFixed(2)}:1 < ${min}:1`];
      });
      expect(failing).toEqual([]);
    });
  }
});
