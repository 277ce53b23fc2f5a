// Terminal.app mirroring (macOS): may pocket control Terminal (Automation) and press keys (Accessibility)? Skipped,
// with why, where there is no Terminal.app. The adapter loads only when this check runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvFile } from '../../config.js';
import { terminalAppVerdict } from '../../core/doctor.js';
import { isPocketError } from '../../core/errors.js';
import { type DoctorCheck, skipped } from './context.js';

export const terminalAppCheck: DoctorCheck = {
  id: 'terminal-app',
  title: 'Terminal.app',
  async run(ctx) {
    const loaded = ctx.config();
    // Read even when other settings are invalid (no token yet): this check does not need them.
    const osascript = 'config' in loaded ? loaded.config.osascriptPath : (ctx.env.POCKET_OSASCRIPT ?? readEnvFile(ctx.paths.env).POCKET_OSASCRIPT);
    const { createTerminalApp } = await import('../../terminal-app/terminal-app.js');
    // The probe's script goes to a folder of its own: the doctor changes nothing in the home.
    const scriptDir = mkdtempSync(join(tmpdir(), 'pocket-doctor-'));
    try {
      const app = createTerminalApp({ platform: process.platform, osascript, scriptDir, timeoutMs: 10_000 });
      const availability = app.availability();
      if (!availability.ok) return skipped(availability.reason);
      return terminalAppVerdict(await app.probe());
    } catch (error) {
      if (!isPocketError(error)) throw error;
      return { status: 'warn', detail: error.message, ...(error.hint === undefined ? {} : { fix: error.hint }) };
    } finally {
      rmSync(scriptDir, { recursive: true, force: true });
    }
  },
};
