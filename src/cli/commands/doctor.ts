// `pocket doctor`: runs every check of doctor/checks.ts and prints each with its fix; `--json` prints one object for
// scripts. Fails (exit 1) when any check failed; warnings do not fail it.
import { type CheckResult, type DoctorReport, doctorReport } from '../../core/doctor.js';
import { PocketError } from '../../core/errors.js';
import { homePaths } from '../../state/paths.js';
import { DOCTOR_CHECKS } from '../doctor/checks.js';
import { createDoctorContext, type DoctorCheck } from '../doctor/context.js';

export async function runDoctor(home: string, env: NodeJS.ProcessEnv, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<DoctorReport> {
  const ctx = createDoctorContext(homePaths(home), env);
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      results.push({ id: check.id, title: check.title, ...(await check.run(ctx)) });
    } catch (error) {
      // A check that throws is a bug in the check; the others still run.
      results.push({ id: check.id, title: check.title, status: 'fail', detail: `the check itself failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return doctorReport(results);
}

const MARK: Record<CheckResult['status'], string> = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: '--  ' };

export function formatReport(home: string, report: DoctorReport): string {
  const lines = [`pocket doctor (home ${home})`];
  for (const check of report.checks) {
    lines.push(`${MARK[check.status]} ${check.title}: ${check.detail}`);
    if (check.fix !== undefined && (check.status === 'fail' || check.status === 'warn')) lines.push(`     fix: ${check.fix}`);
  }
  const { pass, warn, fail, skip } = report.counts;
  lines.push(`${pass} ok, ${warn} warning(s), ${fail} failed, ${skip} skipped`);
  return `${lines.join('\n')}\n`;
}

export async function doctor(home: string, opts: { json?: boolean } = {}): Promise<void> {
  const report = await runDoctor(home, process.env);
  process.stdout.write(opts.json ? `${JSON.stringify({ home, ...report }, null, 2)}\n` : formatReport(home, report));
  if (!report.ok) {
    throw new PocketError('CONFIG_INVALID', `${report.counts.fail} check(s) failed.`, {
      hint: opts.json ? 'See "checks" with status "fail" and their "fix".' : 'Fix the items marked FAIL above.',
    });
  }
}
