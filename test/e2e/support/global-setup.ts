import { buildDemoClient } from './demo-server.js';

/** The checks drive the current sources: build the front end once before any of them. */
export default async function setup(): Promise<void> {
  await buildDemoClient();
}
