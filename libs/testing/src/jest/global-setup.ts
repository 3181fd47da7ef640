import { ensureStack } from '../stack';
import { testConfig } from '../test-config';
import { resetTestStores } from '../test-stores';

/** Before the integration and end-to-end tiers: the real stack is up and the test stores are clean. */
export default async function globalSetup(): Promise<void> {
  await ensureStack();
  await resetTestStores(testConfig());
}
