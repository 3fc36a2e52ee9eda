/**
 * The other stacks' command-line tools tlsgate drives: where each comes from (the Debian package
 * to install), how to find it on PATH, and its version as the tool itself prints it. A scenario
 * whose tool is missing is skipped, naming the package (the error carries the worker's
 * "driver unavailable" code, so in-process and in a worker it reads the same).
 * Standard library only: these drivers run inside any Node under test.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UNAVAILABLE_CODE } from '../worker/remote-protocol.js';

export interface ExternalTool {
  /** the executable, e.g. `gnutls-serv` */
  command: string;
  /** the Debian package that provides it */
  debianPackage: string;
  /** arguments that make it print its version */
  versionArgs: string[];
}

export const TOOLS = {
  openssl: { command: 'openssl', debianPackage: 'openssl', versionArgs: ['version'] },
  gnutlsServ: { command: 'gnutls-serv', debianPackage: 'gnutls-bin', versionArgs: ['--version'] },
  gnutlsCli: { command: 'gnutls-cli', debianPackage: 'gnutls-bin', versionArgs: ['--version'] },
  curl: { command: 'curl', debianPackage: 'curl', versionArgs: ['--version'] },
} as const satisfies Record<string, ExternalTool>;

export { UNAVAILABLE_CODE };

/** the absolute path of the tool on PATH, or undefined */
export function locateTool(tool: ExternalTool, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const file = join(dir, tool.command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** the tool's path; throws the "unavailable" error (the scenario is skipped) when it is missing */
export function requireTool(tool: ExternalTool): string {
  const file = locateTool(tool);
  if (file) return file;
  throw Object.assign(
    new Error(`${tool.command} is not installed: install the Debian package ${tool.debianPackage} (apt-get install -y ${tool.debianPackage})`),
    { code: UNAVAILABLE_CODE },
  );
}

const versions = new Map<string, Promise<string>>();

/** the first line the tool prints for its version, e.g. `OpenSSL 3.0.19 27 Jan 2026 (Library: ...)` */
export function toolVersion(tool: ExternalTool): Promise<string> {
  let version = versions.get(tool.command);
  if (!version) {
    const file = requireTool(tool);
    version = new Promise<string>((resolve) => {
      execFile(file, tool.versionArgs, { timeout: 5000 }, (err, stdout) => {
        const first = String(stdout).split('\n').find((line) => line.trim()) ?? '';
        resolve(err && !first ? `${tool.command} (version unknown: ${err.message})` : first.trim());
      });
    });
    versions.set(tool.command, version);
  }
  return version;
}

/** every tool's version, or `missing (install <package>)`: for the inventory */
export async function toolVersions(): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.values(TOOLS).map(async (tool) => [
    tool.command,
    locateTool(tool) ? await toolVersion(tool) : `missing (install the Debian package ${tool.debianPackage})`,
  ] as const));
  return Object.fromEntries(entries);
}
