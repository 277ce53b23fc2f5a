// install / uninstall for the platform at hand: systemd on Linux, launchd on macOS, a clear refusal elsewhere.
import { dirname } from 'node:path';
import { PocketError } from '../core/errors.js';
import { type ServiceSpec, servicePath } from '../core/service-files.js';
import { planLaunchdInstall, planLaunchdUninstall } from './launchd.js';
import type { Plan, ServiceHost } from './plan.js';
import type { CommandRunner } from './runner.js';
import { planSystemdInstall, planSystemdUninstall } from './systemd.js';

export type ServicePlatform = 'linux' | 'darwin';

export function servicePlatform(platform: NodeJS.Platform): ServicePlatform {
  if (platform === 'linux' || platform === 'darwin') return platform;
  throw new PocketError('SERVICE_UNAVAILABLE', `pocket install supports Linux (systemd) and macOS (launchd); this is ${platform}.`, {
    hint: 'Run `pocket start` from your own start-up mechanism instead.',
  });
}

export interface SpecInput {
  platform: ServicePlatform;
  nodePath: string;
  entryPath: string;
  home: string;
  userHome: string;
  envPath: string | undefined;
  version: string;
  run: CommandRunner;
}

/** The spec of this installation; asks npm for its global prefix (agent CLIs installed with `npm i -g` live there). */
export async function buildSpec(input: SpecInput): Promise<ServiceSpec> {
  const prefix = await input.run(['npm', 'prefix', '-g']);
  const npmPrefixBin = prefix.code === 0 && prefix.stdout.startsWith('/') ? `${prefix.stdout.split('\n')[0]}/bin` : undefined;
  return {
    nodePath: input.nodePath,
    entryPath: input.entryPath,
    home: input.home,
    userHome: input.userHome,
    path: servicePath({ envPath: input.envPath, userHome: input.userHome, nodeDir: dirname(input.nodePath), npmPrefixBin, platform: input.platform }),
    version: input.version,
  };
}

export function planInstall(platform: ServicePlatform, spec: ServiceSpec, host: ServiceHost): Promise<Plan> {
  return platform === 'linux' ? planSystemdInstall(spec, host) : planLaunchdInstall(spec, host);
}

export function planUninstall(platform: ServicePlatform, host: ServiceHost): Promise<Plan> {
  return platform === 'linux' ? planSystemdUninstall(host) : planLaunchdUninstall(host);
}
