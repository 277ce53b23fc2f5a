import { describe, expect, it } from 'vitest';
import { doctorReport, forumRightsVerdict, nodeVersionVerdict, PANE_LOGS_WARN_BYTES, paneLogsVerdict, privacyVerdict } from '../../src/core/doctor.js';

describe('doctor verdicts', () => {
  it('wants Node 20.19 or newer', () => {
    expect(nodeVersionVerdict('20.18.3').status).toBe('fail');
    expect(nodeVersionVerdict('v20.19.0').status).toBe('pass');
    expect(nodeVersionVerdict('22.1.0').status).toBe('pass');
    expect(nodeVersionVerdict('18.20.0').fix).toMatch(/20\.19/);
  });

  it('fails only on a failed check; warnings and skips leave it healthy', () => {
    const c = (status: 'pass' | 'warn' | 'fail' | 'skip') => ({ id: status, title: status, status, detail: '' });
    expect(doctorReport([c('pass'), c('warn'), c('skip')]).ok).toBe(true);
    expect(doctorReport([c('pass'), c('fail')])).toMatchObject({ ok: false, counts: { pass: 1, warn: 0, fail: 1, skip: 0 } });
  });

  it('needs a forum admin with Manage topics; pinning missing is a warning; a group without topics a warning', () => {
    const forum = { type: 'supergroup' as const, isForum: true, title: 'F' };
    expect(forumRightsVerdict({ ...forum, botStatus: 'administrator', canManageTopics: true, canPinMessages: true }).status).toBe('pass');
    expect(forumRightsVerdict({ ...forum, botStatus: 'administrator', canManageTopics: true, canPinMessages: false }).status).toBe('warn');
    expect(forumRightsVerdict({ ...forum, botStatus: 'administrator', canManageTopics: false, canPinMessages: true }).status).toBe('fail');
    expect(forumRightsVerdict({ ...forum, botStatus: 'member' }).status).toBe('fail');
    expect(forumRightsVerdict({ type: 'supergroup', isForum: false, title: 'G' }).status).toBe('warn');
    expect(forumRightsVerdict({ type: 'private', isForum: false, title: 'me' }).status).toBe('pass');
  });

  it('warns about privacy mode only where plain text in topics would be lost', () => {
    const group = { type: 'supergroup' as const, isForum: true, title: 'F' };
    expect(privacyVerdict(false, { ...group, botStatus: 'member' }).status).toBe('warn');
    expect(privacyVerdict(false, { ...group, botStatus: 'administrator' }).status).toBe('pass');
    expect(privacyVerdict(true, { ...group, botStatus: 'member' }).status).toBe('pass');
    expect(privacyVerdict(false, undefined).status).toBe('pass');
  });

  it('warns when pane logs pass 1 GiB', () => {
    expect(paneLogsVerdict(PANE_LOGS_WARN_BYTES, 3, '/p').status).toBe('pass');
    expect(paneLogsVerdict(PANE_LOGS_WARN_BYTES + 1, 3, '/p')).toMatchObject({ status: 'warn', detail: '1024.0 MiB in 3 pane log(s) under /p' });
  });
});
