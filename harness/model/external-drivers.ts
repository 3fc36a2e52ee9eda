/**
 * The built-in drivers that run another stack's command-line tool, and the flags each sets
 * itself (so a scenario's `toolFlags` may not: the driver would lose track of its own process).
 */
export const EXTERNAL_SERVER_DRIVERS = ['openssl-s_server', 'gnutls-serv'] as const;
export const EXTERNAL_CLIENT_DRIVERS = ['openssl-s_client', 'gnutls-cli', 'curl'] as const;

export const RESERVED_TOOL_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'openssl-s_server': ['-accept', '-port', '-cert', '-key', '-cert_chain', '-www', '-WWW', '-HTTP', '-rev', '-brief', '-quiet', '-naccept', '-status_file', '-CAfile', '-CRLfile'],
  'gnutls-serv': ['--echo', '--http', '-p', '--port', '--x509certfile', '--x509keyfile', '--priority', '--ocsp-response', '--x509cafile', '--x509crlfile'],
  'openssl-s_client': ['-connect', '-brief', '-quiet', '-servername', '-noservername', '-CAfile', '-cert', '-key', '-cert_chain', '-ign_eof'],
  'gnutls-cli': ['-p', '--port', '--priority', '--x509cafile', '--x509certfile', '--x509keyfile'],
  curl: ['--resolve', '--cacert', '--cert', '--key', '-o', '--output', '--max-time', '-m'],
};

/** drivers that take a GnuTLS priority string, not an OpenSSL cipher string */
export const GNUTLS_DRIVERS: readonly string[] = ['gnutls-serv', 'gnutls-cli'];
