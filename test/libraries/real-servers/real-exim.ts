/**
 * Oracle server drivers: the real Exim from Debian's `exim4-daemon-light` package (GnuTLS), as a
 * foreground daemon (`exim -C conf -bdf`) on a free port with a config of its own: STARTTLS
 * advertised to every host, MAIL refused before TLS (`deny !encrypted`), every recipient
 * accepted and queued only (`queue_only`, nothing is delivered); `tls_on_connect_ports` for
 * implicit TLS; `tls_verify_hosts` / `tls_try_verify_hosts` for required / requested client
 * certificates; the version range as a GnuTLS priority string.
 */
import { join } from 'node:path';
import type { ServerDriver, ServerHandle, ServerPlan } from '../../../harness/drivers/portable/types.js';
import { type Binary, currentUser, freePort, RealServerHandle, serverDir, startServer, stopProcess, serverVersions, writeServerFile } from './real-server-kit.js';

export const binaries: Binary[] = [{ path: '/usr/sbin/exim4', debianPackage: 'exim4-daemon-light' }];

const GNUTLS_VERSION: Record<string, string> = { TLSv1: 'VERS-TLS1.0', 'TLSv1.1': 'VERS-TLS1.1', 'TLSv1.2': 'VERS-TLS1.2', 'TLSv1.3': 'VERS-TLS1.3' };

function eximDriver(name: string, implicitTls: boolean): ServerDriver {
  return {
    name,
    async listen(plan: ServerPlan): Promise<ServerHandle> {
      const dir = serverDir('exim');
      const file = (n: string, text: string) => writeServerFile(join(dir, n), text);
      const port = await freePort(plan.host);
      const user = currentUser();
      const versions = serverVersions(plan).map((v) => `+${GNUTLS_VERSION[v]}`).join(':');
      const config = [
        'primary_hostname = tlsgate.smtp',
        `spool_directory = ${join(dir, 'spool')}`,
        `log_file_path = ${join(dir, '%slog')}`,
        `pid_file_path = ${join(dir, 'exim.pid')}`,
        `exim_user = ${user}`,
        `exim_group = ${user}`,
        'never_users =',
        'keep_environment =',
        `local_interfaces = <; ${plan.host}`,
        `daemon_smtp_ports = ${port}`,
        ...(implicitTls ? [`tls_on_connect_ports = ${port}`] : []),
        'tls_advertise_hosts = *',
        `tls_certificate = ${file('server.crt', plan.certChainPem)}`,
        `tls_privatekey = ${file('server.key', plan.keyPem)}`,
        `tls_require_ciphers = NORMAL:-VERS-ALL:${versions}`,
        ...(plan.requestCert && plan.clientCaPem?.length ? [`tls_verify_certificates = ${file('ca.crt', plan.clientCaPem.join(''))}`] : []),
        ...(plan.requestCert ? [plan.requireClientCert ? 'tls_verify_hosts = *' : 'tls_try_verify_hosts = *'] : []),
        'queue_only = true',
        'acl_smtp_mail = acl_check_mail',
        'acl_smtp_rcpt = acl_check_rcpt',
        'begin acl',
        'acl_check_mail:',
        '  deny !encrypted = *',
        '       message = Must issue a STARTTLS command first',
        '  accept',
        'acl_check_rcpt:',
        '  accept',
        'begin routers',
        'discard:',
        '  driver = redirect',
        '  data = :blackhole:',
        '',
      ].join('\n');
      const conf = file('exim.conf', config);
      const child = await startServer(binaries[0]!.path, ['-C', conf, '-bdf', '-oX', `${port}`], plan.host, port, join(dir, 'mainlog'), undefined, true);
      return new RealServerHandle(plan.host, port, () => stopProcess(child, 'SIGTERM', true), dir);
    },
  };
}

export const realExim = eximDriver('real-exim', false);
export const realEximTls = eximDriver('real-exim-smtps', true);
export default realExim;
