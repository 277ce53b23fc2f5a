// The screen adapter's entry: the daemon loads this with a dynamic import() on the first /screen, so the font
// (12.3 MB of outlines once inflated, kept for the daemon's life) costs nothing until someone asks for a picture.
import type { ScreenImage, ScreenSnapshot } from '../core/screen.js';
import { renderScreen } from './render.js';
import { type GlyphSource, loadUnifont } from './unifont.js';

let font: Promise<GlyphSource> | undefined;

/** Draws a screen; the font is read once per process. Rejects with the reason when the font cannot be read. */
export async function renderScreenPng(screen: ScreenSnapshot): Promise<ScreenImage> {
  return renderScreen(screen, await fontOnce());
}

function fontOnce(): Promise<GlyphSource> {
  font ??= loadUnifont().catch((error: unknown) => {
    // A failed load is not kept: the next /screen tries again (a package repaired meanwhile).
    font = undefined;
    throw error;
  });
  return font;
}
