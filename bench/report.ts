/** `npx tsx bench/report.ts`: puts the tables in bench/results/ into BENCHMARKS.md again (npm run bench does this itself). */
import { spliceResults } from './lib/splice.js';

spliceResults();
