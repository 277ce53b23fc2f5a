// The canary run: the built daemon, real tmux, the embedded Bot API. A canary bot token, canary .env secrets and one
// canary of every secret shape (test/fixtures/canaries.ts) are printed in a pane and typed with /send, through every
// fault path the Bot API can take (dropped connections, 5xx, 4xx, an HTML parse error, a hung call, going offline)
// and a daemon killed with SIGKILL and started again, then restarted. Afterwards no canary may appear in anything
// the Bot API received, in logs/, in .state/ outside the raw pane logs (.state/panes/), or on stdout and stderr of
// any pocket command this test ran.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANARY_TOKEN, eventually, isAlive, type RunResult } from '../helpers/pocket.js';
import { BOT_TOKEN, type BotRig, rigForFile } from '../helpers/bot-rig.js';
import { CANARY_SHAPES, opensshKey, pemKey } from '../fixtures/canaries.js';

/** .env secrets the daemon knows by name (their keys say TOKEN, SECRET, PASSWORD, API_KEY). */
const ENV_CANARIES = {
  DB_PASSWORD: 'envCANARYdbPassw0rd',
  STRIPE_SECRET: 'envCANARYstripeS3cret',
  OPENAI_API_KEY: 'envCANARYopenaiK3y-17',
};

let rig: BotRig;
rigForFile((r) => {
  rig = r;
}, { env: ENV_CANARIES }, 60_000);

/** Every pocket command run here, with what it printed. */
const printed: { args: string[]; out: RunResult }[] = [];
async function pocket(...args: string[]): Promise<RunResult> {
  const out = await rig.h.run(args, { timeoutMs: 45_000 });
  printed.push({ args, out });
  return out;
}

const singleLine = CANARY_SHAPES.filter((c) => !c.text.includes('\n'));
const keys = [pemKey(), opensshKey()];

/** What must be found nowhere: the token, the .env values, every canary's secret parts, every key body line. */
const FORBIDDEN = [
  BOT_TOKEN, CANARY_TOKEN, ...Object.values(ENV_CANARIES),
  ...CANARY_SHAPES.flatMap((c) => c.secretParts),
  ...keys.flatMap((k) => k.split('\n').slice(1, -1)),
];

/** Everything the bot sent: every request's parameters, every message's texts (and former texts), documents. */
function botSent(): string {
  const parts: string[] = rig.emu.calls.map((call) => JSON.stringify(call.params));
  for (const m of rig.emu.messages(rig.chat, { includeDeleted: true })) {
    if (!m.fromBot) continue;
    parts.push(m.text ?? '', m.caption ?? '', ...m.history, JSON.stringify(m.replyMarkup ?? null));
    if (m.document !== undefined) parts.push(m.document.fileName, m.document.bytes.toString('utf8'));
  }
  return parts.join('\n');
}

/** Every file under .state/ but the raw pane logs, by relative path. */
function stateFiles(): Map<string, string> {
  const root = join(rig.h.home, '.state');
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (relative(root, path) === 'panes') continue;
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(root, path), readFileSync(path, 'latin1'));
    }
  };
  walk(root);
  return out;
}

/** Waits until some bot message (a card, edited or posted anew) shows `marker`. */
const shown = (marker: string, timeoutMs = 30_000) => rig.botMessage(new RegExp(marker), { timeoutMs });

describe('the canary run', () => {
  it('no canary leaves through Telegram, logs, .state or the CLI, whatever fails on the way', async () => {
    const { emu } = rig;
    const keysFile = join(rig.h.home, 'canary-keys.txt');
    const linesFile = join(rig.h.home, 'canary-lines.txt');
    writeFileSync(keysFile, `${keys.join('\n')}\n`);
    writeFileSync(linesFile, `${[...singleLine.map((c) => c.text), BOT_TOKEN, CANARY_TOKEN, ...Object.values(ENV_CANARIES)].join('\n')}\n`);
    // Every canary typed with /send (`:` makes each line a no-op the shell only echoes), then printed by the pane.
    const typeAll = (): void => {
      for (const c of singleLine) rig.say(`/send leaky : '${c.text}'`);
      rig.say(`/send leaky : '${BOT_TOKEN}' '${CANARY_TOKEN}' '${Object.values(ENV_CANARIES).join("' '")}'`);
    };
    const printAll = (phase: string): void => {
      rig.say(`/send leaky cat ${keysFile} ${linesFile}; echo DONE-$((6*7))-${phase}`);
    };

    rig.say('/new leaky bash');
    await shown('^▶ leaky — running');

    // Plain run.
    typeAll();
    printAll('plain');
    await shown('DONE-42-plain');

    // Dropped connections on the sends and edits.
    emu.faults.dropNextConnection('editMessageText', 3);
    emu.faults.dropNextConnection('sendMessage', 2);
    printAll('dropped');
    await shown('DONE-42-dropped');

    // 5xx on everything, polling included.
    emu.faults.failNext('*', { error_code: 502, description: 'Bad Gateway', times: 4 });
    typeAll();
    printAll('5xx');
    await shown('DONE-42-5xx');

    // 4xx: a reply that Telegram refuses, then /tail (the lines go out as a reply) answered by a parse error.
    emu.faults.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    let asked = rig.say('/tail leaky 80');
    emu.faults.failNext('sendMessage', { error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag" });
    asked = rig.say('/tail leaky 80');
    await rig.botMessage(/DONE-42-5xx/, { afterId: asked, timeoutMs: 60_000 });

    // A hung edit, cut off by the network going away, then back.
    emu.faults.hangNext('editMessageText');
    printAll('hung');
    await emu.waitFor(() => emu.calls.some((c) => c.outcome === 'hung'), { timeoutMs: 30_000, description: 'an edit to hang' });
    emu.faults.setOffline(true);
    printAll('offline');
    emu.faults.setOffline(false);
    await shown('DONE-42-offline', 60_000);

    // The daemon killed: the pane prints while it is down; the next start reads it from the pane log.
    const before = JSON.parse((await pocket('status', '--json')).stdout) as { daemon: { pid: number }; sessions: { name: string; target: string }[] };
    const pane = before.sessions.find((s) => s.name === 'leaky')!.target;
    process.kill(before.daemon.pid, 'SIGKILL');
    await eventually(() => !isAlive(before.daemon.pid), { what: 'the daemon to die' });
    await rig.tmux('send-keys', '-t', pane, `cat ${keysFile} ${linesFile}; echo DONE-$((6*7))-crashed`, 'Enter');
    expect((await pocket('start')).code).toBe(0);
    await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll again' });
    await shown('DONE-42-crashed');

    // A clean restart, more of the same, /logs, and the CLI's views.
    expect((await pocket('restart')).code).toBe(0);
    await emu.waitFor(() => emu.polling, { timeoutMs: 15_000, description: 'the bot to poll again' });
    typeAll();
    printAll('restarted');
    await shown('DONE-42-restarted');
    asked = rig.say('/logs');
    await rig.botMessage(/pocket daemon log/, { afterId: asked });
    asked = rig.say('/tail leaky 200');
    await rig.botMessage(/DONE-42-restarted/, { afterId: asked });
    await pocket('status');
    await pocket('status', '--json');
    await pocket('logs');
    await pocket('doctor');
    await pocket('stop');

    // It went through: markers where the secrets were.
    const sent = botSent();
    for (const marker of ['[redacted:private-key]', 'ghp_[redacted:github-token]', 'AKIA[redacted:aws-access-key-id]', '[REDACTED]']) {
      expect(sent).toContain(marker);
    }
    expect(emu.calls.filter((c) => !c.ok).length, 'the faults were hit').toBeGreaterThan(5);

    const leaks: string[] = [];
    const check = (where: string, text: string): void => {
      for (const secret of FORBIDDEN) if (text.includes(secret)) leaks.push(`${where}: ${secret.slice(0, 40)}`);
    };
    check('Bot API', sent);
    check('logs/', rig.h.logsText());
    for (const [file, text] of stateFiles()) check(`.state/${file}`, text);
    for (const { args, out } of printed) check(`pocket ${args.join(' ')}`, `${out.stdout}\n${out.stderr}`);
    expect(leaks).toEqual([]);
  }, 240_000);
});
