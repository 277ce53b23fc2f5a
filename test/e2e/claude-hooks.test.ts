// Claude Code's hooks end to end: the built daemon, the embedded Bot API, the REAL Claude Code CLI in tmux (2.1.332:
// the binary bundled with the agents cache's Claude SDK, scripts/install-agents.sh; or POCKET_CLAUDE_CLI) against
// the loopback model stand-in (scripts/capture-agent-screens/). /new of a claude command loads pocket's hooks with
// --settings; the stand-in asks for a Bash tool_use; Claude's PermissionRequest hook drops its event into the hook
// spool, and the alert with the dialog's own answers reaches the chat without waiting out the settle time. The
// latency asserted here has room for a loaded machine; bench/hook.js gives the figure (docs/performance.md).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../../scripts/capture-agent-screens/model-server.js';
import { connectIpc, type IpcClient } from '../../src/daemon/ipc/client.js';
import type { WireSessionEvent } from '../../src/daemon/ipc/protocol.js';
import { type BotRig, failureReport, startBotRig } from '../helpers/bot-rig.js';
import { bundledClaude, claudeSdkMissing } from '../helpers/claude-sdk.js';
import { eventually } from '../helpers/pocket.js';

const CLAUDE = process.env.POCKET_CLAUDE_CLI ?? bundledClaude ?? '';
const missing = existsSync(CLAUDE) ? null : `no Claude Code CLI (${claudeSdkMissing ?? 'the cached SDK bundles none'}; or set POCKET_CLAUDE_CLI)`;
if (missing) console.warn(`[skipped] test/e2e/claude-hooks.test.ts: ${missing}`);

const API_KEY = 'sk-ant-hooks-e2e-0123456789abcdef';
/**
 * The hook's sh drops its file and the daemon wakes: 10-30 ms measured on the shared 2-core machine (`pocket hook`,
 * which started node, took 180-700 ms); the limit leaves room for load.
 */
const HOOK_TO_DAEMON_LIMIT_MS = 150;
/**
 * Hook fired -> alert at the Bot API: mostly Claude Code itself, which draws the dialog 0.1-0.6 s after firing the
 * hook (the alert carries the dialog's own answers, so it waits for the screen); room for a loaded machine.
 * docs/performance.md has the measured figures.
 */
const HOOK_TO_ALERT_LIMIT_MS = 1_500;

/** A HOME where Claude Code is onboarded, trusts `project` and takes the stand-in's key without asking. */
function claudeHome(root: string, projects: string[]): string {
  const home = join(root, 'claude-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    projects: Object.fromEntries(projects.map((project) => [project, { hasTrustDialogAccepted: true }])),
    customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
  }));
  return home;
}

/** `sessions.hook` lines of the daemon log. */
function hookLog(rig: BotRig): { hook: string; via: string; firedAt: number; sinceFiredMs: number; meaning: string }[] {
  return rig.h.logsText().split('\n').filter((l) => l.includes('"sessions.hook"')).map((l) => JSON.parse(l));
}

describe.skipIf(missing !== null)('Claude Code hooks through the daemon', () => {
  let rig: BotRig;
  let model: ModelServer;
  let root: string;
  let client: IpcClient;
  /** Alert events as the daemon decides them (before Telegram's pacing). */
  const alerts: WireSessionEvent[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pocket-claude-hooks-'));
    model = await startModelServer();
    // The daemon (and so its tmux server and the panes of /new) runs in this process's working directory.
    const home = claudeHome(root, [process.cwd()]);
    rig = await startBotRig({
      processEnv: {
        HOME: home,
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${model.port}`,
        ANTHROPIC_API_KEY: API_KEY,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        // Claude Code keeps sockets and scratch files in TMPDIR: inside this test's folder, removed with it.
        TMPDIR: root,
      },
    });
    client = await connectIpc(join(rig.h.home, '.state/daemon.sock'));
    await client.events((event) => {
      if (event.type === 'alert') alerts.push(event);
    }, () => {});
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await rig?.close();
    await model?.close();
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('a permission dialog reaches the chat as buttons soon after the hook fires; Yes runs the command', async () => {
    try {
      const ran = join(root, 'ran.txt');
      rig.say(`/new cc ${CLAUDE} --permission-mode manual`);
      const { target } = await eventually(async () => (await rig.sessions()).find((s) => s.name === 'cc'), { what: 'session cc' });
      const settingsFile = join(rig.h.home, '.state/hooks/s1.json');
      expect(statSync(settingsFile).mode & 0o777).toBe(0o600);
      const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as { hooks: Record<string, unknown> };
      expect(Object.keys(settings.hooks)).toEqual(['PermissionRequest', 'Notification', 'UserPromptSubmit', 'Stop']);
      await rig.paneShows(target, /^❯\s*$/m, 60_000);

      // /send alone submits: its Enter waits for Claude Code to show the text (core/typing.ts). With a fixed 40 ms gap,
      // on a loaded machine, Claude read the Enter as part of a paste and the line stayed in its input.
      rig.say(`/send cc run: touch ${ran}`);
      const alert = await rig.botMessage(/^❓ cc waits for input:\n[\s\S]*Do you want to proceed\?/, { timeoutMs: 60_000 });
      expect(alert.replyMarkup?.inline_keyboard.flat().map((b) => b.text)).toContain('Yes');
      const asked = await eventually(async () => hookLog(rig).find((h) => h.hook === 'PermissionRequest'), { what: 'the PermissionRequest hook in the log' });
      const sent = rig.emu.calls.find((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('❓ cc waits'));
      const latency = (sent?.atMs ?? Number.NaN) - asked.firedAt;
      // The alert event over IPC and the alert at the Bot API leave the daemon together, in no set order (the alert no
      // longer waits for the chat's send slot): wait for the event too.
      const decided = await eventually(async () => alerts.find((a) => a.kind === 'waiting' && a.sessionId === 's1'), { what: 'the alert event' });
      const lastEdit = rig.emu.calls.filter((c) => c.method === 'editMessageText' && c.atMs < (sent?.atMs ?? 0)).at(-1);
      console.log(
        `claude-hooks e2e: hook fired -> daemon ${asked.sinceFiredMs} ms -> alert decided ${(decided?.at ?? Number.NaN) - asked.firedAt} ms ` +
          `(signal ${decided?.signal}) -> at the Bot API ${latency} ms; the chat's previous call left ${(sent?.atMs ?? 0) - (lastEdit?.atMs ?? 0)} ms before it`,
      );
      expect(asked.via).toBe('spool');
      expect(asked.sinceFiredMs).toBeLessThan(HOOK_TO_DAEMON_LIMIT_MS);
      expect(decided?.signal).toBe('hook');
      expect(latency).toBeLessThan(HOOK_TO_ALERT_LIMIT_MS);

      rig.press(alert.messageId, 'Yes');
      await eventually(async () => existsSync(ran) || undefined, { timeoutMs: 30_000, what: `${ran} to exist` });
      await rig.edited(alert.messageId, /→ answered: Yes$/);

      // The turn's end comes by the Stop hook: idle at once, and /summary says where the state came from.
      await eventually(async () => hookLog(rig).find((h) => h.hook === 'Stop'), { timeoutMs: 30_000, what: 'the Stop hook' });
      await eventually(async () => ((await rig.session('cc')).state === 'idle' ? true : undefined), { what: 'cc idle' });
      rig.say('/summary cc');
      await rig.botMessage(/^cc[\s\S]*\nsignal: hook \(the agent's own event\)/);
    } catch (error) {
      console.log(failureReport(rig));
      throw error;
    }
  }, 180_000);

  it("without pocket's hooks (the command does not start with claude) the screen rules raise the same alert", async () => {
    try {
      // The user's own settings file: a PermissionRequest hook that only notes when the dialog came up.
      const own = join(root, 'own-settings.json');
      const dialogAt = join(root, 'dialog-at.txt');
      writeFileSync(own, JSON.stringify({ hooks: { PermissionRequest: [{ matcher: '', hooks: [{ type: 'command', command: `date +%s%3N > ${dialogAt}` }] }] } }));
      const ran = join(root, 'ran-screen.txt');
      const asked = rig.say(`/new cs env POCKET_E2E=screen ${CLAUDE} --settings ${own} --permission-mode manual`);
      const { id, target } = await eventually(async () => (await rig.sessions()).find((s) => s.name === 'cs'), { what: 'session cs' });
      expect(existsSync(join(rig.h.home, `.state/hooks/${id}.json`))).toBe(false);
      await rig.paneShows(target, /^❯\s*$/m, 60_000);
      rig.say(`/send cs run: touch ${ran}`);
      // This command starts with `env`, so pocket does not know claude holds the pane (core/typing.ts): /send keeps its
      // fixed 40 ms gap, which a loaded machine can close, and the Enter may land in the input as a newline.
      await rig.paneShows(target, /run: touch/, 30_000);
      rig.say('/keys cs Enter');
      const alert = await rig.botMessage(/^❓ cs waits for input:\n[\s\S]*Do you want to proceed\?/, { timeoutMs: 60_000, afterId: asked });
      const firedAt = Number(await eventually(async () => readFileSync(dialogAt, 'utf8').trim() || undefined, { what: 'the own hook' }));
      const decided = await eventually(async () => alerts.find((a) => a.kind === 'waiting' && a.sessionId === id), { what: 'the alert event' });
      expect(decided?.signal).toBe('screen');
      const sent = rig.emu.calls.find((c) => c.method === 'sendMessage' && String(c.params.text).startsWith('❓ cs waits'));
      console.log(
        `claude-hooks e2e (screen rules): dialog's hook fired -> alert decided ${(decided?.at ?? Number.NaN) - firedAt} ms -> at the Bot API ${(sent?.atMs ?? Number.NaN) - firedAt} ms`,
      );
      rig.press(alert.messageId, 'Yes');
      await eventually(async () => existsSync(ran) || undefined, { timeoutMs: 30_000, what: `${ran} to exist` });
    } catch (error) {
      console.log(failureReport(rig));
      throw error;
    }
  }, 180_000);
});
