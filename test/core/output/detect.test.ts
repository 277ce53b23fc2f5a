import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPECIAL_KEYS } from '../../../src/core/ports.js';
import { detectPrompt, promptWindow } from '../../../src/core/output/detect.js';
import { PROMPT_RULES, PROMPT_RULES_VERSION } from '../../../src/core/output/prompt-rules.js';

const SCREENS = join(import.meta.dirname, '../../fixtures/screens');
const names = readdirSync(SCREENS)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => f.slice(0, -'.txt'.length));

const screen = (name: string): string[] => readFileSync(join(SCREENS, `${name}.txt`), 'utf8').split('\n');

describe('detectPrompt over screen fixtures', () => {
  it('has positive and negative fixtures for every rule', () => {
    const expected = names.map((n) => JSON.parse(readFileSync(join(SCREENS, `${n}.expect.json`), 'utf8')));
    const ruleIds = new Set(expected.filter((e) => e !== null).map((e: { ruleId: string }) => e.ruleId));
    for (const rule of PROMPT_RULES) expect(ruleIds, rule.id).toContain(rule.id);
    expect(expected.filter((e) => e === null).length).toBeGreaterThanOrEqual(6);
  });

  for (const name of names) {
    it(name, () => {
      const want = JSON.parse(readFileSync(join(SCREENS, `${name}.expect.json`), 'utf8'));
      const got = detectPrompt(screen(name));
      expect(got === null ? null : { ...got, rulesVersion: undefined }).toEqual(
        want === null ? null : { ...want, rulesVersion: undefined },
      );
      if (got) expect(got.rulesVersion).toBe(PROMPT_RULES_VERSION);
    });
  }
});

// Drift guard: the screens of older releases stay in the corpus with their expectations, so a rule changed for a new
// release that stops matching an older screen it used to match fails here, by name, instead of in the field.
interface Corpus {
  minimumReleases: number;
  releases: Record<string, string[]>;
  singleReleaseUntilTheNextOne: string[];
}
const corpus: Corpus = JSON.parse(readFileSync(join(SCREENS, 'corpus.json'), 'utf8'));
const RELEASE_FIXTURE = /^(?:neg-)?([a-z]+)-(\d+\.\d+\.\d+)-/;

/** Fixture names of one release of one CLI, positive and negative. */
function releaseFixtures(cli: string, version: string): string[] {
  return names.filter((n) => {
    const m = RELEASE_FIXTURE.exec(n);
    return m?.[1] === cli && m[2] === version;
  });
}

describe('drift guard over releases', () => {
  it('keeps the screens of at least the two latest releases of each agent CLI', () => {
    for (const [cli, versions] of Object.entries(corpus.releases)) {
      const needed = corpus.singleReleaseUntilTheNextOne.includes(cli) ? 1 : corpus.minimumReleases;
      expect(versions.length, cli).toBeGreaterThanOrEqual(needed);
      for (const version of versions) {
        const fixtures = releaseFixtures(cli, version);
        expect(fixtures.filter((n) => !n.startsWith('neg-')).length, `${cli} ${version}: waiting screens`).toBeGreaterThan(0);
      }
    }
  });

  it('knows every release in the corpus (a captured release is listed, so it cannot be dropped unnoticed)', () => {
    const captured = new Set<string>();
    for (const name of names) {
      const [, cli = '', version = ''] = RELEASE_FIXTURE.exec(name) ?? [];
      if (cli in corpus.releases) captured.add(`${cli} ${version}`);
    }
    const listed = new Set(Object.entries(corpus.releases).flatMap(([cli, versions]) => versions.map((v) => `${cli} ${v}`)));
    expect([...captured].sort()).toEqual([...listed].sort());
  });

  for (const [cli, versions] of Object.entries(corpus.releases)) {
    for (const version of versions) {
      it(`${cli} ${version}: each captured screen is still seen as captured (waiting by the same rule, or not)`, () => {
        for (const name of releaseFixtures(cli, version)) {
          const want = JSON.parse(readFileSync(join(SCREENS, `${name}.expect.json`), 'utf8'));
          const got = detectPrompt(screen(name));
          expect(got?.ruleId ?? null, `${name}: rule`).toBe(want?.ruleId ?? null);
          expect(got?.answers.map((a) => a.input) ?? null, `${name}: keys`).toEqual(want?.answers.map((a: { input: unknown }) => a.input) ?? null);
        }
      });
    }
  }
});

describe('detectPrompt', () => {
  it('offers only keys pocket can send: SPECIAL_KEYS or single characters', () => {
    for (const name of names) {
      for (const answer of detectPrompt(screen(name))?.answers ?? []) {
        if ('keys' in answer.input) {
          for (const key of answer.input.keys) {
            expect((SPECIAL_KEYS as readonly string[]).includes(key) || Array.from(key).length === 1, key).toBe(true);
          }
        }
      }
    }
  });

  it('never offers a button for a secret', () => {
    for (const name of names) {
      const got = detectPrompt(screen(name));
      if (got?.secret) expect(got.answers).toEqual([]);
    }
  });

  it('stops matching once the prompt is answered and output follows', () => {
    const waiting = ['Overwrite? [y/N] '];
    expect(detectPrompt(waiting)?.ruleId).toBe('yes-no-short');
    expect(detectPrompt([...waiting.map((l) => `${l}y`), 'overwritten', '$ '])).toBeNull();
  });

  it('needs the menu at the bottom of the screen', () => {
    const menu = screen('claude-permission-v2');
    expect(detectPrompt(menu)).not.toBeNull();
    expect(detectPrompt([...menu, '● Bash(npm test)', '  ⎿  42 passed'])).toBeNull();
  });

  it('ignores box borders and blank lines', () => {
    expect(promptWindow(['╭───╮', '│ a │', '│   │', '╰───╯', '   '])).toEqual(['a']);
  });
});
