/**
 * A private temp folder (0700) for one tool process's inputs: keys and certificates written
 * 0600, removed with the folder when the process ends, on every path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class ScratchFiles {
  readonly dir: string;
  private removed = false;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `tlsgate-${prefix}-`));
  }

  /** writes `name` (0600) and returns its path */
  write(name: string, content: string | Buffer): string {
    const file = join(this.dir, name);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  remove(): void {
    if (this.removed) return;
    this.removed = true;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
