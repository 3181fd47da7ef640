/** After the ClickHouse specs ran on current ClickHouse: chdb stops and its data directory goes. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.vigilChdbServer?.stop();
}
