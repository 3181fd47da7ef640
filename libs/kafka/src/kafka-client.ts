import { kafkaBrokers, type VigilConfig } from '@vigil/config';
import type { Logger } from '@vigil/logging';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import './kafkajs-idle-loop';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own logs go through the process's pino logger. */
export function createKafkaClient(config: VigilConfig, clientId: string, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers: kafkaBrokers(config),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, ...extra } = entry.log;
      kafkaLogger[LEVELS[entry.level] ?? 'info']({ namespace: entry.namespace, ...extra }, message);
    },
  });
}

/** Where a producer connects and what it calls itself (the producer's client is not kafkajs: see TopicProducer). */
export interface KafkaConnection {
  readonly brokers: string[];
  readonly clientId: string;
}

export function kafkaConnection(config: VigilConfig, clientId: string): KafkaConnection {
  return { brokers: kafkaBrokers(config), clientId };
}
