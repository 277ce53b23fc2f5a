// The non-interactive demo: each line is typed as the demo user (or is a console command such as `!Kill`), the
// script waits until the bot has settled, then prints what changed. For CI and for testing the README's quick start.
import { linesInTopic } from './conversation.js';
import { findButton, findTopic, parseConsoleInput } from './console-input.js';
import type { DemoChat } from './demo-chat.js';
import { quiet, type SettleOptions, type SettleOutcome, settle } from './settle.js';
import { stepTranscript } from './transcript.js';

export interface ScriptResult {
  steps: number;
  /** Steps the bot never took (it is not polling) or that named a button or topic that does not exist. */
  failures: number;
}

export interface ScriptOptions {
  settle: SettleOptions;
  write: (text: string) => void;
  signal?: AbortSignal;
}

export async function runScript(lines: AsyncIterable<string> | Iterable<string>, chat: DemoChat, options: ScriptOptions): Promise<ScriptResult> {
  const result: ScriptResult = { steps: 0, failures: 0 };
  const print = (texts: string[]) => {
    if (texts.length > 0) options.write(`${texts.join('\n')}\n`);
  };
  let threadId: number | null = null;
  for await (const raw of untilAbortedLines(lines, options.signal)) {
    if (raw.trimStart().startsWith('#')) continue;
    const command = parseConsoleInput(raw);
    if (command.kind === 'empty') continue;
    if (command.kind === 'quit') break;
    result.steps++;
    const before = chat.view();
    if (command.kind === 'topic') {
      const topic = findTopic(before.topics, command.name);
      if (typeof topic === 'string') {
        result.failures++;
        print([`! ${topic}`]);
      } else {
        threadId = topic.threadId;
        print([`— topic: ${topic.name} —`]);
      }
      continue;
    }
    let update: ReturnType<DemoChat['send']>;
    if (command.kind === 'press') {
      const target = findButton(linesInTopic(before.lines, threadId), command.selector);
      if (typeof target === 'string') {
        result.failures++;
        print([`! ${target}`]);
        continue;
      }
      print([`you pressed [${target.button.text}]`]);
      update = chat.press(target.messageId, target.button.data);
    } else {
      update = chat.send(command.text, { threadId: threadId ?? undefined });
    }
    const outcome = await untilAborted(settle(chat.emulator, update, options.settle), options.signal);
    print(stepTranscript(before, chat.view(), chat.forum));
    if (outcome === 'unconfirmed') {
      result.failures++;
      print([`! the bot did not take this within ${options.settle.deadlineMs / 1000} s`]);
    }
  }
  // What the bot still had queued (a paced outbox, a late alert) belongs in the transcript too.
  if (result.steps > 0 && !options.signal?.aborted) {
    const before = chat.view();
    await untilAborted(quiet(chat.emulator, options.settle.quietMs, Date.now() + options.settle.deadlineMs).then(() => 'settled'), options.signal);
    print(stepTranscript(before, chat.view(), chat.forum));
  }
  return result;
}

/** Ctrl-C during a wait ends the wait at once (as 'busy'), so the cleanup does not queue behind a deadline. */
function untilAborted(wait: Promise<SettleOutcome>, signal: AbortSignal | undefined): Promise<SettleOutcome> {
  if (signal === undefined) return wait;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve('busy');
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The lines until the signal fires: a SIGTERM must end the demo even while it waits for stdin's next line. */
async function* untilAbortedLines(lines: AsyncIterable<string> | Iterable<string>, signal: AbortSignal | undefined) {
  const iterator = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
  const aborted = new Promise<'aborted'>((resolve) => {
    if (signal?.aborted) resolve('aborted');
    signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    for (;;) {
      if (signal?.aborted) return;
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'aborted' || next.done) return;
      yield next.value;
    }
  } finally {
    void iterator.return?.();
  }
}
