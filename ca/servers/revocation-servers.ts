/**
 * The CRL server and the OCSP responder, started together and shared by every PKI of a run.
 * Each PKI attaches under its own namespace (a URL prefix), so concurrent scenarios never see
 * each other's revocations, faults or request logs.
 */
import { AttachedPki, PkiDirectory, type AttachOptions } from './attached-pki.js';
import { CrlServer } from './crl-server.js';
import type { FaultTable } from '../revocation/fault-table.js';
import type { LoopbackHost } from './loopback-http.js';
import type { Materials, RevocationEndpoints } from '../issue/materials.js';
import { OcspResponder } from './ocsp-responder.js';
import type { RequestLog } from '../revocation/request-log.js';
import type { RevocationRegistry } from '../revocation/revocation-registry.js';

/** what a PKI's owner holds while it is attached */
export interface PkiHandle {
  readonly namespace: string;
  readonly endpoints: RevocationEndpoints;
  readonly registry: RevocationRegistry;
  readonly faults: FaultTable;
  readonly log: RequestLog;
  /** the id of the certificate `caId` issued with this serial */
  certBySerial(caId: string, serialHex: string): string | undefined;
  /** stop serving this PKI (its URLs answer 404 afterwards) */
  detach(): void;
}

/** a port for each of the two servers */
export interface ServerPorts {
  crl: number;
  ocsp: number;
}

export class RevocationServers {
  private readonly directory: PkiDirectory;

  private constructor(directory: PkiDirectory, readonly crl: CrlServer, readonly ocsp: OcspResponder) {
    this.directory = directory;
  }

  /**
   * On port 0 unless `ports` fixes them (`tlsgate serve --port`); `preferredPorts` are taken
   * where they are free (else port 0), so a run's URLs can match its last run's.
   */
  static async start(opts: { host?: LoopbackHost; ports?: ServerPorts; preferredPorts?: ServerPorts } = {}): Promise<RevocationServers> {
    const directory = new PkiDirectory();
    const host = opts.host ? { host: opts.host } : {};
    const portOf = (server: keyof ServerPorts) => (opts.ports
      ? { port: opts.ports[server] }
      : opts.preferredPorts ? { preferredPort: opts.preferredPorts[server] } : {});
    const [crl, ocsp] = await Promise.allSettled([
      CrlServer.start(directory, { ...host, ...portOf('crl') }),
      OcspResponder.start(directory, { ...host, ...portOf('ocsp') }),
    ]);
    if (crl.status === 'rejected' || ocsp.status === 'rejected') {
      await Promise.all([crl, ocsp].map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
      throw (crl.status === 'rejected' ? crl.reason : (ocsp as PromiseRejectedResult).reason) as Error;
    }
    return new RevocationServers(directory, crl.value, ocsp.value);
  }

  /** the ports the two servers listen on */
  get ports(): ServerPorts {
    return { crl: this.crl.address.port, ocsp: this.ocsp.address.port };
  }

  /** the URLs a PKI attached as `ns` will be served at (known before its certificates exist) */
  endpointsFor(ns: string): RevocationEndpoints {
    return {
      crlUrl: (caId) => this.crl.crlUrl(ns, caId),
      ocspUrl: (caId) => this.ocsp.url(ns, caId),
      caIssuersUrl: (caId) => this.crl.caIssuersUrl(ns, caId),
    };
  }

  attach(ns: string, materials: Materials, options: AttachOptions = {}): PkiHandle {
    const pki = new AttachedPki(ns, materials, this.endpointsFor(ns), options);
    this.directory.attach(pki);
    return {
      namespace: ns,
      endpoints: pki.endpoints,
      registry: pki.registry,
      faults: pki.faults,
      log: pki.log,
      certBySerial: (caId, serialHex) => pki.certBySerial(caId, serialHex),
      detach: () => this.directory.detach(ns),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.crl.close(), this.ocsp.close()]);
  }
}
