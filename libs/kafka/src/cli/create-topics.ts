import { loadConfig } from '@vigil/config';
import { createLogger } from '@vigil/logging';
import { createKafkaClient } from '../kafka-client';
import { ensureTopics } from '../topic-admin';

/** `node libs/kafka/dist/cli/create-topics.js`: creates the topics libs/contracts declares, if missing. */
const config = loadConfig();
ensureTopics(createKafkaClient(config, 'vigil-topics', createLogger('topics', 'warn')), config.VIGIL_KAFKA_TOPIC_PREFIX)
  .then((created) => {
    process.stdout.write(created.length ? `kafka: created ${created.join(', ')}\n` : 'kafka: topics up to date\n');
  })
  .catch((error: unknown) => {
    process.stderr.write(`kafka topic creation failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
