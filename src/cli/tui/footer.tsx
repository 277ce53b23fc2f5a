// Key hints, straight from the bindings in keys.ts.

import { Text } from 'ink';
import { KEY_HINTS } from './keys.js';

export function Footer() {
  return <Text dimColor>{KEY_HINTS.map((h) => `${h.keys} ${h.does}`).join('  ·  ')}</Text>;
}
