/**
 * A library driver whose library is not installed (or does not load on this Node): the scenario
 * is skipped, naming the package, never failed. The code is the worker protocol's "driver
 * unavailable", so the same error crossing from a worker process is a skip there too.
 */
import { UNAVAILABLE_CODE } from '../portable/worker/remote-protocol.js';

export class LibraryUnavailable extends Error {
  override readonly name = 'LibraryUnavailable';
  readonly code = UNAVAILABLE_CODE;

  constructor(readonly packageName: string, message: string) {
    super(message);
  }
}
