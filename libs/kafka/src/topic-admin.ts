import { TOPICS, TOPIC_NAMES, physicalTopicName } from '@vigil/contracts';
import type { Kafka } from 'kafkajs';

/**
 * Creates every topic the contracts declare, with their partition counts and configs, if missing.
 * Existing topics are left as they are (partition counts are only ever raised by hand, on purpose,
 * because raising them moves keys between partitions).
 */
export async function ensureTopics(kafka: Kafka, prefix: string, replicationFactor = 1): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = TOPIC_NAMES.filter((topic) => !existing.has(physicalTopicName(topic, prefix)));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: physicalTopicName(topic, prefix),
          numPartitions: TOPICS[topic].partitions,
          replicationFactor,
          configEntries: Object.entries(TOPICS[topic].config).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return missing.map((topic) => physicalTopicName(topic, prefix));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The topics libs/contracts declares that the cluster lacks, or has with fewer partitions than declared, by physical
 * name; nothing is created. What `ensureTopics` would create (it never adds partitions: those are raised by hand).
 */
export async function missingTopics(kafka: Kafka, prefix: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = TOPIC_NAMES.filter((topic) => !existing.has(physicalTopicName(topic, prefix))).map((topic) => physicalTopicName(topic, prefix));
    const present = TOPIC_NAMES.filter((topic) => existing.has(physicalTopicName(topic, prefix)));
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((topic) => physicalTopicName(topic, prefix)) });
      for (const topic of present) {
        const name = physicalTopicName(topic, prefix);
        const partitions = topics.find((entry) => entry.name === name)?.partitions.length ?? 0;
        if (partitions < TOPICS[topic].partitions) missing.push(`${name} (${partitions} of ${TOPICS[topic].partitions} partitions)`);
      }
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
