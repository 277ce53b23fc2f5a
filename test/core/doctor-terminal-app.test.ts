import { describe, expect, it } from 'vitest';
import { terminalAppVerdict } from '../../src/core/doctor.js';

describe("doctor's Terminal.app verdict", () => {
  it('names which permission is missing and where to grant it', () => {
    const ok = { ok: true };
    expect(terminalAppVerdict({ running: true, automation: ok, accessibility: ok }).status).toBe('pass');
    expect(terminalAppVerdict({ running: false, automation: null, accessibility: ok }).detail).toMatch(/not running, so Automation was not checked/);
    const terminal = terminalAppVerdict({ running: true, automation: { ok: false, number: -1743, message: 'Not authorized' }, accessibility: ok });
    expect(terminal).toMatchObject({ status: 'warn', fix: expect.stringMatching(/Automation: allow .* to control Terminal\.$/) });
    const keys = terminalAppVerdict({ running: true, automation: ok, accessibility: { ok: false, number: -1719, message: 'osascript is not allowed assistive access.' } });
    expect(keys).toMatchObject({ status: 'warn', fix: expect.stringMatching(/Accessibility: add the app/) });
    // Reaching System Events at all needs its own Automation consent: that is the fix then, not Accessibility.
    const events = terminalAppVerdict({ running: true, automation: ok, accessibility: { ok: false, number: -1743, message: 'Not authorized to send Apple events to System Events.' } });
    expect(events).toMatchObject({ status: 'warn', fix: expect.stringMatching(/control System Events\.$/) });
  });
});
