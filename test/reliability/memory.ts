import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in MiB: what the process really holds on to. */
export function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}
