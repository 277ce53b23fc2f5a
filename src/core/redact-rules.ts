// The secret shapes (secret-shapes.ts) made ready once for the Redactor: the multi-line rules each with its test, the
// key-body rule with its table of characters, the one-line rules in passes behind their hints, and the one scan's regex.

import { markerOf, type SecretShape } from './secret-shapes.js';
import { BOT_TOKEN_SEPARATOR } from './redact-scan.js';

/** What a literal secret (a .env value, the bot token) or anything shaped like a bot token is replaced by. */
export const REDACTED = '[REDACTED]';

/** The rules made ready once: the multi-line ones each with its test, the one-line ones in passes behind their hints. */
export interface CompiledShapes {
  anchored: { anchors: string; mayMatch: (text: string) => boolean; pattern: RegExp; replace: Replacer }[];
  atLineStarts: LineStartRule[];
  passes: HintedPass[];
  /** The one scan of a text (HintScan): every place where a hint, an anchor or a bot token's separator starts. */
  scan: RegExp | null;
  anchors: ReadonlySet<string>;
}
/** A rule tried at the starts of the lines its lineBody and probe accept. */
export interface LineStartRule {
  body: LineBody;
  probe: RegExp;
  pattern: RegExp;
  replace: Replacer;
}
/** SecretShape.lineBody made ready: its characters as a table of the ASCII codes. */
export interface LineBody {
  lengths: readonly number[];
  /** The shortest of `lengths`: a shorter line holds no body. */
  shortest: number;
  chars: Uint8Array;
  notWithin: NonNullable<NonNullable<SecretShape['lineBody']>['notWithin']> | null;
  notBefore: NonNullable<NonNullable<SecretShape['lineBody']>['notBefore']> | null;
}
/**
 * A pass of one-line rules: their hints as one regex, sticky (tried at the scan's places) and global (a line a pass
 * before changed is scanned again), and the rules as one sticky regex that first skips up to `hintAt` characters
 * (lazily: the leftmost match wins, as in a plain scan).
 */
export interface HintedPass {
  hint: RegExp;
  hintHere: RegExp;
  near: RegExp;
  replace: Replacer;
  hintAt: number;
}
export type Replacer = (match: string, ...args: unknown[]) => string;

export function compile(shapes: readonly SecretShape[]): CompiledShapes {
  const anchored = shapes.filter((shape) => shape.anchors !== undefined).map((shape) => {
    const anchors = shape.anchors!;
    const mayMatch = (text: string) => anchors.some((anchor) => text.includes(anchor));
    const flags = shape.pattern.flags.includes('g') ? shape.pattern.flags : `${shape.pattern.flags}g`;
    const groups = groupCount(shape.pattern.source);
    const marker = markerOf(shape.id);
    return { anchors: anchors.join('\n'), mayMatch, pattern: new RegExp(shape.pattern.source, flags), replace: keepAndMark(0, groups, marker) };
  });
  const atLineStarts = shapes.filter((shape) => shape.lineStarts !== undefined).map((shape): LineStartRule => {
    const lineBody = shape.lineBody;
    if (lineBody === undefined || lineBody.lengths.length === 0) {
      throw new Error(`secret shape ${shape.id}: a rule tried at line starts needs its lineBody`);
    }
    return {
      body: {
        lengths: lineBody.lengths,
        shortest: Math.min(...lineBody.lengths),
        chars: Uint8Array.from({ length: 128 }, (_, code) => (lineBody.chars.test(String.fromCharCode(code)) ? 1 : 0)),
        notWithin: lineBody.notWithin ?? null,
        notBefore: lineBody.notBefore ?? null,
      },
      probe: new RegExp(shape.lineStarts!.source, 'y'),
      pattern: new RegExp(shape.pattern.source, 'my'),
      replace: keepAndMark(0, groupCount(shape.pattern.source), markerOf(shape.id)),
    };
  });
  const oneLine = shapes.filter((shape) => shape.anchors === undefined && shape.lineStarts === undefined);
  for (const shape of oneLine) {
    if (shape.hint === undefined || shape.hint.flags !== '' || shape.hintAt === undefined) {
      throw new Error(`secret shape ${shape.id}: a rule within one line needs a hint (without flags) and its hintAt`);
    }
  }
  if (shapes.length === 0) return { anchored, atLineStarts, passes: [], scan: null, anchors: new Set() };
  // The anchors first: where one starts, the scan's match is the anchor itself (HintScan tells them by their text).
  const anchors = new Set(shapes.flatMap((shape) => shape.anchors ?? []));
  const alternatives = [...[...anchors].map(escapeRegExp), BOT_TOKEN_SEPARATOR, ...new Set(oneLine.map((shape) => shape.hint!.source))];
  return { anchored, atLineStarts, passes: compileOneLine(oneLine), scan: new RegExp(alternatives.join('|'), 'g'), anchors };
}

function compileOneLine(shapes: readonly SecretShape[]): HintedPass[] {
  const pass = (group: readonly SecretShape[], source: string, replace: Replacer): HintedPass => {
    const hintAt = Math.max(...group.map((shape) => shape.hintAt!));
    return {
      hint: new RegExp(group.map((shape) => shape.hint!.source).join('|'), 'g'),
      hintHere: new RegExp(group.map((shape) => shape.hint!.source).join('|'), 'y'),
      near: new RegExp(`([\\s\\S]{0,${hintAt}}?)(?:${source})`, 'my'),
      replace,
      hintAt,
    };
  };
  const passes = shapes.filter((shape) => shape.ownPass).map((shape) =>
    pass([shape], shape.pattern.source, keepAndMark(0, groupCount(shape.pattern.source), markerOf(shape.id))));
  const together = shapes.filter((shape) => !shape.ownPass);
  if (together.length > 0) {
    // Each rule in a group of its own: the first group that took part says which rule matched; its own groups follow.
    const rules: { at: number; groups: number; marker: string }[] = [];
    let at = 0;
    for (const shape of together) {
      const groups = groupCount(shape.pattern.source);
      rules.push({ at, groups, marker: markerOf(shape.id) });
      at += 1 + groups;
    }
    const replace: Replacer = (match, ...args) => {
      for (const rule of rules) {
        if (typeof args[rule.at] === 'string') return keepAndMark(rule.at + 1, rule.groups, rule.marker)(match, ...args);
      }
      return match;
    };
    passes.push(pass(together, together.map((shape) => `(${shape.pattern.source})`).join('|'), replace));
  }
  return passes;
}

export type AnchoredRule = CompiledShapes['anchored'][number];

/** The replacement: what the first of `count` groups from `first` that took part matched, then the marker. */
function keepAndMark(first: number, count: number, marker: string): Replacer {
  return (_match, ...args) => {
    for (let i = first; i < first + count; i++) {
      if (typeof args[i] === 'string') return `${args[i] as string}${marker}`;
    }
    return marker;
  };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

export function groupCount(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}
