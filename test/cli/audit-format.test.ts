import { describe, expect, it } from 'vitest';
import { formatAuditLine } from '../../src/cli/audit-format.js';

describe('formatAuditLine', () => {
  it('says who, what, which session, the outcome and why', () => {
    const line = JSON.stringify({
      t: '2026-11-30T21:00:00.000Z', action: 'send', outcome: 'ok', userId: 5001, userName: '@alice', chatId: 5001,
      updateId: 7, sessionId: 's3', session: 'build', detail: 'make test',
    });
    expect(formatAuditLine(line)).toBe('2026-11-30T21:00:00.000Z user 5001 @alice send session build (s3) "make test" -> ok  [chatId=5001 updateId=7]');
  });

  it('reads the lines written before userName and session existed', () => {
    const old = JSON.stringify({ t: '2026-11-01T10:00:00.000Z', action: 'kill', outcome: 'failed', userId: 5001, chatId: 5001, sessionId: 's1', reason: 'session not found' });
    expect(formatAuditLine(old)).toBe('2026-11-01T10:00:00.000Z user 5001 kill session s1 -> failed: session not found  [chatId=5001]');
    const stranger = JSON.stringify({ t: 'T', action: 'update', outcome: 'rejected', reason: 'no_sender', userId: null, detail: 'channel_post' });
    expect(formatAuditLine(stranger)).toBe('T nobody (no sender) update "channel_post" -> rejected: no_sender');
  });

  it('names the local user of an action taken at the machine (the status cockpit)', () => {
    const line = JSON.stringify({ t: 'T', origin: 'local', userId: null, userName: 'alice', sessionId: 's2', session: 'build', action: 'kill', outcome: 'ok' });
    expect(formatAuditLine(line)).toBe('T local user alice kill session build (s2) -> ok');
  });

  it('prints a line that is not JSON as it is, with control characters made visible', () => {
    expect(formatAuditLine('half a line')).toBe('half a line');
    expect(formatAuditLine(JSON.stringify({ t: 'T', action: 'x', outcome: 'ok', userId: 1, userName: 'evil\u001b]52;c;aGk=\u0007' }))).toBe(
      'T user 1 evil\\x1b]52;c;aGk=\\x07 x -> ok',
    );
  });
});
