/**
 * A client's process environment (a scenario's `client.environment`) as a worker to start: NODE_EXTRA_CA_CERTS and SSL_CERT_FILE
 * point at PEM files of the named certificates, OPENSSL_CONF at a config that sets the security
 * level, and the Node flags join execArgv. Files are named by their content, so scenarios that
 * ask for the same environment get the same spec, hence the same long-lived worker.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRUST_ENV } from '../portable/inventory/collect.js';
import type { SecurityLevelNumber } from '../../model/domain.js';
import type { RuntimeSpec } from './remote-runtime.js';

/** certificates by id, and their PEM (the ids label the worker) */
export interface NamedPem {
  ids: readonly string[];
  pem: string;
}

/** `client.environment` as plain data: the certificates it names already turned into PEM */
export interface ClientProcessEnvironment {
  extraCaCerts?: NamedPem;
  sslCertFile?: NamedPem;
  opensslSecurityLevel?: SecurityLevelNumber;
  nodeFlags?: readonly string[];
}

export function clientEnvironmentRuntime(base: RuntimeSpec, environment: ClientProcessEnvironment, filesDir: string): RuntimeSpec {
  const env: NodeJS.ProcessEnv = { ...base.env };
  for (const name of TRUST_ENV) delete env[name];
  const shown: string[] = [];
  const set = (name: string, file: string, what: string) => {
    env[name] = file;
    shown.push(`${name}=${what}`);
  };
  if (environment.extraCaCerts) set('NODE_EXTRA_CA_CERTS', contentFile(filesDir, environment.extraCaCerts.pem, 'pem'), environment.extraCaCerts.ids.join('+'));
  if (environment.sslCertFile) set('SSL_CERT_FILE', contentFile(filesDir, environment.sslCertFile.pem, 'pem'), environment.sslCertFile.ids.join('+'));
  if (environment.opensslSecurityLevel !== undefined) {
    set('OPENSSL_CONF', contentFile(filesDir, opensslConfig(environment.opensslSecurityLevel), 'cnf'), `SECLEVEL=${environment.opensslSecurityLevel}`);
  }
  const flags = environment.nodeFlags ?? [];
  return {
    label: [base.label, ...shown, ...flags].join(' '),
    execPath: base.execPath,
    execArgv: [...base.execArgv, ...flags],
    env,
  };
}

/**
 * Node reads the `nodejs_conf` section of OPENSSL_CONF at start (not `openssl_conf`, unless
 * --openssl-shared-config); its system default applies to every TLS context the process makes.
 */
export function opensslConfig(level: SecurityLevelNumber): string {
  return [
    'nodejs_conf = nodejs_init',
    '',
    '[nodejs_init]',
    'ssl_conf = ssl_sect',
    '',
    '[ssl_sect]',
    'system_default = system_default_sect',
    '',
    '[system_default_sect]',
    `CipherString = DEFAULT@SECLEVEL=${level}`,
    '',
  ].join('\n');
}

function contentFile(dir: string, text: string, ext: string): string {
  const file = join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.${ext}`);
  if (!existsSync(file)) writeFileSync(file, text, { mode: 0o600 });
  return file;
}
