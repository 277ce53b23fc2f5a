// The pocket CLI: declares the commands and lazily imports each one, so a command pays only for what it uses.
// This is the only place that exits the process: typed errors become a message, a hint and an exit code.
import { Command, CommanderError } from 'commander';
import { isPocketError } from '../core/errors.js';
import { Redactor } from '../core/redact.js';
import { resolveHome } from '../state/paths.js';
import { pocketVersion } from '../version.js';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    process.exitCode ??= EXIT.ok;
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function buildProgram(): Command {
  const program = new Command('pocket')
    .description('Pocket Operator: a Telegram remote control for your terminal sessions')
    .version(pocketVersion())
    .option('--home <dir>', 'pocket home directory (default: $POCKET_HOME or ~/.pocket)')
    .exitOverride()
    .showSuggestionAfterError();
  const home = (): string => resolveHome(program.opts<{ home?: string }>().home);

  program
    .command('init')
    .description('write HOME/.env: check the bot token, pair your Telegram account with a one-time code')
    .option('--token <token>', 'bot token from @BotFather (else $TELEGRAM_BOT_TOKEN, else asked without echo)')
    .option('--user-id <id>', 'your numeric Telegram user id: skips pairing')
    .option('--chat-id <id>', 'the chat for cards and alerts (a forum group id is negative; default: your private chat)')
    .option('--yes', 'replace values already in .env without asking')
    .action(async (opts: { token?: string; userId?: string; chatId?: string; yes?: boolean }) =>
      (await import('./commands/init.js')).init(home(), opts),
    );
  program
    .command('start')
    .description('start the daemon in the background and wait until it is ready')
    .option('--foreground', 'run the daemon attached to this terminal (for service managers)')
    .action(async (opts: { foreground?: boolean }) => (await import('./commands/start.js')).start(home(), opts));
  program
    .command('stop')
    .description('stop the daemon gracefully (IPC, then SIGTERM, then SIGKILL)')
    .action(async () => (await import('./commands/stop.js')).stop(home()));
  program
    .command('restart')
    .description('stop the daemon if it runs, then start it again')
    .action(async () => (await import('./commands/start.js')).restart(home()));
  program
    .command('status')
    .description('show the daemon, the bot and the sessions (live TUI in a terminal)')
    .option('--json', 'print one JSON object for scripts')
    .option('--watch', 'keep printing updates (plain text when not a terminal)')
    .action(async (opts: { json?: boolean; watch?: boolean }) => (await import('./commands/status.js')).status(home(), opts));
  program
    .command('logs')
    .description('print the daemon log (--audit: the audit log of what Telegram users did)')
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --lines <n>', 'how many lines to print', '50')
    .option('--audit', 'print the audit log instead: who did what to which session, the outcome and why')
    .action(async (opts: { follow?: boolean; lines: string; audit?: boolean }) => (await import('./commands/logs.js')).logs(home(), opts));
  program
    .command('install')
    .description('run the daemon as a service: a systemd user unit (Linux) or a launchd agent (macOS)')
    .option('--dry-run', 'print the service file and every command, change nothing')
    .action(async (opts: { dryRun?: boolean }) => (await import('./commands/service.js')).install(home(), opts));
  program
    .command('uninstall')
    .description('stop and remove the service that `pocket install` added (tmux sessions stay)')
    .option('--dry-run', 'print what would be removed, change nothing')
    .action(async (opts: { dryRun?: boolean }) => (await import('./commands/service.js')).uninstall(home(), opts));
  program
    .command('__wait-ready', { hidden: true })
    .description('wait until the daemon has polled Telegram once (systemd ExecStartPost)')
    .option('--timeout <s>', 'give up after this many seconds', '60')
    .action(async (opts: { timeout: string }) => (await import('./commands/wait-ready.js')).waitReady(home(), opts));
  program
    .command('doctor')
    .description('check Node, tmux, settings, permissions, the token, Telegram, the chat, the service; each with its fix')
    .option('--json', 'print one JSON object for scripts')
    .action(async (opts: { json?: boolean }) => (await import('./commands/doctor.js')).doctor(home(), opts));
  program
    .command('demo')
    .description('try pocket offline: the daemon against an embedded Telegram, with a chat console')
    .option('--forum', 'use a forum group with one topic per session')
    .option('--script <file>', 'send the lines of FILE (- for stdin) instead of opening the console')
    .option('--settle <ms>', 'quiet time after which the bot counts as done answering (script mode)')
    .action(async (opts: { forum?: boolean; script?: string; settle?: string }) => (await import('./commands/demo.js')).demo(opts));
  program
    .command('hook', { hidden: true })
    .description("what an agent's hook runs in a session pocket started: hands the event to the daemon")
    .argument('<event>', 'the hook event (PermissionRequest, Notification, UserPromptSubmit, Stop, codex-notify)')
    .argument('[payload]', "the notification Codex's notify appends, as JSON")
    .requiredOption('--session <id>', "pocket's session id")
    .action(async (event: string, payload: string | undefined, opts: { session: string }) =>
      (await import('./hook.cjs')).default.hook(home(), event, opts, payload),
    );
  program
    .command('__daemon', { hidden: true })
    .option('--demo', 'run without a token against the embedded Bot API')
    .action(async (opts: { demo?: boolean }) => (await import('./commands/daemon.js')).daemon(home(), opts));
  return program;
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed usage errors; help and version are successes.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  // What the daemon answers is redacted there (it knows the .env secrets); what the CLI says itself goes through the
  // secret shapes and bot-token shape here too, in case an argument or a path it quotes holds one.
  const redactor = new Redactor();
  if (isPocketError(error)) {
    if (error.code === 'USAGE') {
      process.stderr.write(`pocket: ${redactor.text(error.message)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`pocket: ${redactor.text(error.message)}\n`);
    if (error.hint) process.stderr.write(`hint: ${redactor.text(error.hint)}\n`);
    return error.exitCode ?? EXIT.failure;
  }
  // An unexpected error: say what happened without dumping objects that might hold secrets.
  const text = redactor.error(error);
  process.stderr.write(`pocket: unexpected error: ${text.split('\n')[0]}\n`);
  process.stderr.write('hint: this is a bug; see `pocket logs` and report it with the steps that led here.\n');
  return EXIT.failure;
}
