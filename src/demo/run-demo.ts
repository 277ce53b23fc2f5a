// Sets up and tears down everything `pocket demo` runs: throwaway home, embedded Bot API with a demo user and chat,
// the real daemon on its own tmux socket. Teardown runs every step even when one fails, so nothing is left behind.
import type { BotApiEmulator } from '../emulator/index.js';
import { startBotApiServer } from '../emulator/index.js';
import type { HomePaths } from '../state/paths.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DemoChat } from './demo-chat.js';
import { type ModelStandIn, startModelStandIn } from './model-stand-in.js';
import { createThrowawayHome, demoTmuxSocket, demoToken, removeHome, writeDemoEnv } from './throwaway-home.js';

export const DEMO_BOT_ID = 7000000001;
export const DEMO_USER_ID = 1001;

/** How the demo starts and stops the daemon; the command uses the real one, tests a fake. */
export interface DaemonControl {
  /** `env`: variables the daemon's environment gets (what its coding agents need in the demo). */
  start(paths: HomePaths, env: Record<string, string>): Promise<{ pid: number }>;
  stop(paths: HomePaths): Promise<unknown>;
}

export interface DemoDeps {
  daemon: DaemonControl;
  /** Ends the demo's tmux server and every session the user started in it. */
  killTmuxServer(socket: string): Promise<void>;
}

export interface DemoOptions {
  /** A forum supergroup where each session gets a topic, instead of a private chat. */
  forum?: boolean;
}

export interface Demo {
  paths: HomePaths;
  tmuxSocket: string;
  emulator: BotApiEmulator;
  chat: DemoChat;
  daemonPid: number;
  /** Stops the daemon, kills the tmux server, closes the emulator, removes the home; safe to call twice. */
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions, deps: DemoDeps): Promise<Demo> {
  const paths = createThrowawayHome();
  const tmuxSocket = demoTmuxSocket();
  let emulator: BotApiEmulator | undefined;
  let model: ModelStandIn | undefined;
  let chat: DemoChat | undefined;
  let daemonStarted = false;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= runAll([
      () => chat?.dispose(),
      // Only after a start attempt: a failed start may still have left a daemon holding the lock.
      async () => { if (daemonStarted) await deps.daemon.stop(paths); },
      () => deps.killTmuxServer(tmuxSocket),
      async () => { await emulator?.close(); },
      async () => { await model?.close(); },
      () => removeHome(paths),
    ]);
    return closing;
  };
  try {
    emulator = await startBotApiServer({
      token: demoToken(DEMO_BOT_ID), botUsername: 'pocket_demo_bot', botFirstName: 'Pocket Operator (demo)',
    });
    const user = emulator.user(DEMO_USER_ID, { firstName: 'You', username: 'demo_you' });
    const target = options.forum
      ? emulator.createGroup({ title: 'pocket demo', forum: true, members: [user], botIsAdmin: true })
      : emulator.createPrivateChat(user);
    chat = new DemoChat(emulator, target, user);
    writeDemoEnv(paths, { token: emulator.token, userId: user.id, chatId: target.id, apiRoot: emulator.url, tmuxSocket });
    model = await startModelStandIn();
    daemonStarted = true;
    const { pid } = await deps.daemon.start(paths, demoAgentEnv(paths, model.url));
    return { paths, tmuxSocket, emulator, chat, daemonPid: pid, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * What `/claude` and `/codex` use in the demo: Claude Code (when the Claude Agent SDK is installed, else /claude
 * answers with the install command) and codex (when on PATH, else /codex says how to install it) talk to the loopback
 * stand-in, with their configuration in the throwaway home. The agents work in a `project` folder of the throwaway
 * home. Nothing reaches a real model or the user's ~/.claude and ~/.codex.
 */
export function demoAgentEnv(paths: HomePaths, modelUrl: string): Record<string, string> {
  const claudeConfig = join(paths.home, 'claude');
  const codexHome = join(paths.home, 'codex');
  const project = join(paths.home, 'project');
  mkdirSync(claudeConfig, { recursive: true, mode: 0o700 });
  mkdirSync(codexHome, { recursive: true, mode: 0o700 });
  mkdirSync(project, { recursive: true, mode: 0o700 });
  // A provider of codex's own config pointing at the stand-in (its Responses API), keyed by a dummy OPENAI_API_KEY.
  writeFileSync(join(codexHome, 'config.toml'), [
    'model = "gpt-5-codex"',
    'model_provider = "pocket-demo"',
    '[model_providers.pocket-demo]',
    'name = "pocket demo stand-in"',
    `base_url = "${modelUrl}/v1"`,
    'env_key = "OPENAI_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n'), { mode: 0o600 });
  // Claude Code's own temp files (claude-UID/, cc-socks/) go with the home rather than stay in the system's TMPDIR.
  const claudeTmp = join(paths.home, 'tmp');
  mkdirSync(claudeTmp, { recursive: true, mode: 0o700 });
  return {
    ANTHROPIC_BASE_URL: modelUrl,
    ANTHROPIC_API_KEY: 'pocket-demo-offline',
    CLAUDE_CONFIG_DIR: claudeConfig,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_TMPDIR: claudeTmp,
    CODEX_HOME: codexHome,
    OPENAI_API_KEY: 'pocket-demo-offline',
    POCKET_AGENT_CWD: project,
  };
}

/** Runs every step in order; rethrows the first failure once all have run. */
async function runAll(steps: (() => unknown)[]): Promise<void> {
  let first: { error: unknown } | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      first ??= { error };
    }
  }
  if (first !== undefined) throw first.error;
}
