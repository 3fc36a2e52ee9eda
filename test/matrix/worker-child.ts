/**
 * A harness process for the orphan test: starts one worker of this Node, prints its pid, then
 * waits to be killed. Usage: worker-child
 */
import { thisNode } from '../../harness/drivers/remote/remote-placement.js';
import { WorkerPool } from '../../harness/drivers/remote/remote-pool.js';

const pool = new WorkerPool();
const worker = await pool.get(thisNode());
process.stdout.write(`worker ${worker.pid}\n`);
setInterval(() => undefined, 60_000);
