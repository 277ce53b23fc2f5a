// /keys names as System Events presses them: a virtual key code (kVK_* in Carbon's Events.h, the same on every
// keyboard layout) or a character typed with control held. Enter alone needs no System Events: `do script ""`.
import type { SpecialKey } from '../core/ports.js';
import { type CheckedKey, checkKeyNames } from '../core/typed-input.js';

type Press = { kind: 'code'; value: number; control: boolean } | { kind: 'char'; value: string; control: boolean };

const KEY_CODES: Readonly<Record<SpecialKey, Press>> = {
  'C-c': { kind: 'char', value: 'c', control: true },
  'C-d': { kind: 'char', value: 'd', control: true },
  'C-z': { kind: 'char', value: 'z', control: true },
  Enter: { kind: 'code', value: 36, control: false },
  Esc: { kind: 'code', value: 53, control: false },
  Tab: { kind: 'code', value: 48, control: false },
  BSpace: { kind: 'code', value: 51, control: false },
  Up: { kind: 'code', value: 126, control: false },
  Down: { kind: 'code', value: 125, control: false },
  Left: { kind: 'code', value: 123, control: false },
  Right: { kind: 'code', value: 124, control: false },
  PageUp: { kind: 'code', value: 116, control: false },
  PageDown: { kind: 'code', value: 121, control: false },
  Home: { kind: 'code', value: 115, control: false },
  End: { kind: 'code', value: 119, control: false },
};

/** The argv triples (kind, value, modifier) jxa-script.ts's `keys` reads; throws INVALID_INPUT before anything runs. */
export function keyArgs(keys: readonly string[]): string[] {
  return checkKeyNames(keys).flatMap((key: CheckedKey) => {
    const press: Press = 'special' in key ? KEY_CODES[key.special] : { kind: 'char', value: key.character, control: false };
    return [press.kind, String(press.value), press.control ? 'control' : ''];
  });
}

/** Only Enter: typed as `do script ""`, which needs no Accessibility permission. */
export function onlyEnter(keys: readonly string[]): boolean {
  return keys.length > 0 && keys.every((key) => key === 'Enter');
}
