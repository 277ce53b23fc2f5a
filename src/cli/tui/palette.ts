// Colours of the status TUI, off when NO_COLOR is set (https://no-color.org: any non-empty value). chalk, which Ink
// colours through, does not read NO_COLOR itself. Bold, dim and inverse stay: they are not colours.
import { createContext, useContext } from 'react';

export type ColorName = 'green' | 'red' | 'yellow' | 'gray' | 'cyan' | 'black';

export interface Palette {
  /** The colour to pass to Ink, or undefined when colours are off. */
  color(name: ColorName | undefined): ColorName | undefined;
}

export function paletteFor(colors: boolean): Palette {
  return { color: (name) => (colors ? name : undefined) };
}

export function colorsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

export const PaletteContext = createContext<Palette>(paletteFor(true));

export function usePalette(): Palette {
  return useContext(PaletteContext);
}
