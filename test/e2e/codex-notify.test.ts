// Codex's notify end to end: the built daemon, the embedded Bot API, the REAL Codex CLI (0.171.0, from the agents
// cache or POCKET_CODEX_CLI) in tmux against the loopback model stand-in (scripts/capture-agent-screens/). /new of a
// codex command sets `-c notify=[/bin/sh -c SPOOL-SCRIPT ...]` for that run; at the turn's end Codex runs it, the
// event lands in the hook spool (core/agent-hooks.ts), and the session is idle at once by the agent's own signal, not
// after the idle timer (an hour here).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../../scripts/capture-agent-screens/model-server.js';
import { localProviderConfig } from '../agents/codex/responses-stand-in.js';
import { type BotRig, failureReport, startBotRig } from '../helpers/bot-rig.js';
import { eventually } from '../helpers/pocket.js';

const CODEX = process.env.POCKET_CODEX_CLI ?? join(process.env.POCKET_AGENTS_CACHE ?? join(homedir(), '.cache/pocket-agents'), 'node_modules/.bin/codex');
const missing = existsSync(CODEX) ? null : `no Codex CLI at ${CODEX} (set POCKET_CODEX_CLI)`;
if (missing) console.warn(`[skipped] test/e2e/codex-notify.test.ts: ${missing}`);

/** `sessions.hook` lines of the daemon log. */
function hookLog(rig: BotRig): { hook: string; via: string; meaning: string; id: string }[] {
  return rig.h.logsText().split('\n').filter((l) => l.includes('"sessions.hook"')).map((l) => JSON.parse(l));
}

describe.skipIf(missing !== null)('Codex notify through the daemon', () => {
  let rig: BotRig;
  let model: ModelServer;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pocket-codex-notify-'));
    model = await startModelServer();
    // Codex's home: the stand-in as its model, and the daemon's working directory (where /new's panes start) trusted.
    const home = join(root, 'codex-home');
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(join(home, '.codex/config.toml'), `${localProviderConfig(model.port)}[projects.${JSON.stringify(process.cwd())}]\ntrust_level = "trusted"\n`);
    rig = await startBotRig({ processEnv: { HOME: home, LOCAL_KEY: 'stand-in-key', TMPDIR: root } });
  }, 60_000);

  afterAll(async () => {
    await rig?.close();
    await model?.close();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it("a turn's end reaches the daemon through notify: idle at once, signal hook", async () => {
    try {
      // --no-daemon: without it codex leaves a shared app-server running after it exits.
      rig.say(`/new cx ${CODEX} --no-daemon`);
      const { id, target } = await eventually(async () => (await rig.sessions()).find((s) => s.name === 'cx'), { what: 'session cx' });
      await rig.paneShows(target, /Ask Codex to do anything/, 60_000);
      // Text, then Enter on its own: Codex reads an Enter that comes with the text as part of a paste.
      await rig.tmux('send-keys', '-t', target, '-l', 'hello from pocket');
      await rig.paneShows(target, /hello from pocket/);
      await rig.tmux('send-keys', '-t', target, 'Enter');
      const ended = await eventually(async () => hookLog(rig).find((h) => h.hook === 'codex-notify' && h.id === id), {
        timeoutMs: 60_000,
        what: "codex's notify in the daemon log",
      });
      expect(ended.meaning).toBe('ended');
      // Through the hook spool: Codex ran sh, not node.
      expect(ended.via).toBe('spool');
      await eventually(async () => ((await rig.session('cx')).state === 'idle' ? true : undefined), { what: 'cx idle' });
      rig.say('/summary cx');
      await rig.botMessage(/^cx[\s\S]*\nsignal: hook \(the agent's own event\)/);
      // One signal per turn of the session's: Codex's own title turn (its notify fires too) is not one.
      expect(hookLog(rig).filter((h) => h.hook === 'codex-notify')).toHaveLength(1);
    } catch (error) {
      console.log(failureReport(rig));
      throw error;
    }
  }, 180_000);
});
