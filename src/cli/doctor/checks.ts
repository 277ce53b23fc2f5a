// Every check `pocket doctor` runs, in the order shown. A new check is one entry here.
import { claudeCheck, codexCheck } from './agent-checks.js';
import type { DoctorCheck } from './context.js';
import { serviceCheck } from './service-checks.js';
import {
  configCheck,
  daemonCheck,
  envFileCheck,
  nodeCheck,
  paneLogsCheck,
  privateDirsCheck,
  tmuxCheck,
} from './system-checks.js';
import { terminalAppCheck } from './terminal-app-check.js';
import { botApiCheck, chatCheck, forumRightsCheck, pollerCheck, privacyCheck, tokenCheck } from './telegram-checks.js';

export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  nodeCheck,
  tmuxCheck,
  terminalAppCheck,
  claudeCheck,
  codexCheck,
  envFileCheck,
  privateDirsCheck,
  configCheck,
  botApiCheck,
  tokenCheck,
  pollerCheck,
  chatCheck,
  forumRightsCheck,
  privacyCheck,
  daemonCheck,
  serviceCheck,
  paneLogsCheck,
];
