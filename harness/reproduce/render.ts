/** A reproduction as `tlsgate certs` prints it: commands to paste, or why there are none. */
import { HTTP_REQUEST } from './openssl-commands.js';
import type { Reproduction } from './reproduction.js';
import { shellLine, shellWord } from './shell-words.js';

/** the shell spelling of HTTP_REQUEST for printf */
const PRINTF_REQUEST = `printf ${shellWord(HTTP_REQUEST.replace(/\r/g, '\\r').replace(/\n/g, '\\n'))}`;

export function renderReproduction(r: Reproduction): string {
  if (!r.expressible) return `# not reproducible with openssl: ${r.reason}\n`;
  const { server, client, curl, notes } = r.commands;
  return [
    ...notes.map((n) => `# note: ${n}`),
    "# the server end, as the scenario's (sends exactly its chain; Node's defaults made explicit):",
    `openssl ${shellLine(server)}`,
    '# the client end (openssl), stopping at the first verification error; it sends one request and waits for the answer:',
    `${PRINTF_REQUEST} | openssl ${shellLine(client)}`,
    'args' in curl ? '# the client end (curl):' : `# no curl line: ${curl.unsupported}`,
    ...('args' in curl ? [shellLine(curl.args)] : []),
  ].join('\n') + '\n';
}
