import './slot';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { checkinMessageV1Example, encodeMessage, monitorEnvironmentKey, physicalTopicName, type CheckinMessageV1 } from '@vigil/contracts';
import { createKafkaClient, ensureTopics, kafkaConnection, TopicProducer } from '@vigil/kafka';
import { createLogger } from '@vigil/logging';
import { ensureStack, REPO_ROOT, testConfig } from '@vigil/testing';
import { CompressionTypes, type Producer } from 'kafkajs';
import { BENCHMARKS_PREAMBLE } from '../support/preamble';
import { describeMachine, machineLine } from '../support/machine';
import { markdownTable, writeSection } from '../support/markdown';
import { positiveOption } from '../support/options';
import { waitForQuiet } from '../support/proc';

/**
 * `npm run bench:kafka`: what writing a check-in to Kafka costs the writing process, for the producer Vigil
 * uses (`TopicProducer` on @platformatic/kafka, decision 0014) and for the design card's kafkajs as the
 * baseline, in the same run on the same broker. Each writes the same check-in messages (the contract's
 * example with fresh ids, about 450 bytes of JSON, schema-checked and encoded by `encodeMessage` in both) in
 * batches, idempotent, acknowledged by all in-sync replicas, keyed by monitor-environment over the 12 partitions
 * of `vigil.checkins.v1`. Rounds alternate between the two clients; the table shows the median round.
 *
 *   --messages 60000   messages per round
 *   --batch 200        messages per request (kafkajs: one sendBatch; TopicProducer: its maxBatch)
 *   --rounds 3         rounds per client
 *   --no-write         print only; leave docs/benchmarks.md alone
 */

interface Options {
  messages: number;
  batch: number;
  rounds: number;
  write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const number = (name: string, fallback: number): number => Math.round(positiveOption(argv, name, fallback));
  return { messages: number('messages', 60000), batch: number('batch', 200), rounds: number('rounds', 3), write: !argv.includes('--no-write') };
}

interface Round {
  client: string;
  seconds: number;
  cpuMicros: number;
  messages: number;
}

/** Sends `messages` in batches through `sendBatch` (awaited one after the other) and measures this process. */
async function measure(
  client: string,
  messages: readonly CheckinMessageV1[],
  batch: number,
  sendBatch: (items: readonly CheckinMessageV1[]) => Promise<void>,
): Promise<Round> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let from = 0; from < messages.length; from += batch) await sendBatch(messages.slice(from, from + batch));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { client, seconds, cpuMicros: used.user + used.system, messages: messages.length };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await ensureStack();
  const config = testConfig();
  const logger = createLogger('bench-kafka', 'warn');
  const prefix = `${config.VIGIL_KAFKA_TOPIC_PREFIX}kafka${Date.now().toString(36)}.`;
  const kafka = createKafkaClient(config, 'vigil-bench-kafka', logger);
  await ensureTopics(kafka, prefix);
  const topic = physicalTopicName('vigil.checkins.v1', prefix);

  const kafkajs: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await kafkajs.connect();
  const producer = new TopicProducer(kafkaConnection(config, 'vigil-bench-kafka'), logger, { prefix, lingerMs: 1000, maxBatch: options.batch });
  await producer.connect();

  const monitors = Array.from({ length: 5000 }, () => randomUUID());
  const messagesFor = (): CheckinMessageV1[] =>
    Array.from({ length: options.messages }, (_, i) => ({
      ...checkinMessageV1Example,
      monitor_id: monitors[i % monitors.length]!,
      event_id: randomUUID(),
      checkin_id: randomUUID(),
      received_at: Date.now(),
    }));
  const keyOf = (message: CheckinMessageV1): string => monitorEnvironmentKey(message.monitor_id, message.environment);

  const clients: Record<string, (items: readonly CheckinMessageV1[]) => Promise<void>> = {
    'kafkajs 2.2 (`sendBatch`, the baseline)': async (items) => {
      await kafkajs.sendBatch({
        topicMessages: [{ topic, messages: items.map((message) => ({ key: keyOf(message), value: encodeMessage('vigil.checkins.v1', message) })) }],
        acks: -1,
        compression: CompressionTypes.None,
      });
    },
    '@platformatic/kafka 1.35 (`TopicProducer`, what Vigil uses)': async (items) => {
      await Promise.all(items.map((message) => producer.produce('vigil.checkins.v1', keyOf(message), message)));
    },
  };

  const quiet = await waitForQuiet(20, 120000);
  // One warm-up round each (JIT, connections, metadata), not counted.
  for (const send of Object.values(clients)) await measure('warm-up', messagesFor().slice(0, 5000), options.batch, send);
  const rounds: Round[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [client, send] of Object.entries(clients)) {
      const result = await measure(client, messagesFor(), options.batch, send);
      rounds.push(result);
      console.log(`${client}: ${(result.cpuMicros / result.messages).toFixed(1)} µs CPU/message, ${Math.round(result.messages / result.seconds)} messages/s`);
    }
  }
  await kafkajs.disconnect();
  await producer.close();
  const admin = kafka.admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
  await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();

  const rows = Object.keys(clients).map((client) => {
    const mine = rounds.filter((round) => round.client === client);
    return {
      client,
      cpu: median(mine.map((r) => r.cpuMicros / r.messages)),
      rate: median(mine.map((r) => r.messages / r.seconds)),
      all: mine.map((r) => (r.cpuMicros / r.messages).toFixed(1)).join(', '),
    };
  });
  const [baseline, ours] = rows as [(typeof rows)[0], (typeof rows)[0]];
  const table = markdownTable(
    [
      { title: 'client' },
      { title: 'CPU per message (median)', align: 'right' },
      { title: 'ratio to kafkajs', align: 'right' },
      { title: 'messages/s (median)', align: 'right' },
      { title: 'CPU per message, each round' },
    ],
    rows.map((row) => [
      row.client,
      `${row.cpu.toFixed(1)} µs`,
      (row.cpu / baseline.cpu).toFixed(2),
      Math.round(row.rate).toLocaleString('en-US'),
      `${row.all} µs`,
    ]),
  );
  const section = [
    '## Kafka producer: `npm run bench:kafka`',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machineLine(describeMachine(REPO_ROOT))}.`,
    '',
    `Each round writes ${options.messages.toLocaleString('en-US')} check-in messages (the contract's example with fresh ids, schema-checked and encoded by \`encodeMessage\` in both) to \`vigil.checkins.v1\` on this machine's broker, keyed by monitor-environment over its 12 partitions, ${options.batch} messages per request, idempotent, acknowledged by all in-sync replicas, no compression; the next batch leaves when the last was acknowledged. CPU is this process's (\`process.cpuUsage\`, all threads), so it is what a service pays to write; ${options.rounds} rounds per client, alternating, after a warm-up round each. The machine was ${Math.round(quiet)} % busy before the first round.`,
    '',
    table,
    '',
    `@platformatic/kafka uses ${(ours.cpu / baseline.cpu).toFixed(2)} of kafkajs' CPU per message (${ours.cpu.toFixed(1)} against ${baseline.cpu.toFixed(1)} µs): why the producer moved (decision 0014). Consumers still use kafkajs.`,
  ].join('\n');
  console.log(`\n${section}`);
  if (options.write) {
    const file = join(REPO_ROOT, 'docs', 'benchmarks.md');
    writeSection(file, 'kafka', section, BENCHMARKS_PREAMBLE);
    console.log(`\nwrote the kafka section of ${file}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
