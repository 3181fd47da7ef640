import { encodeMessage, type MonitorEventV1, type MonitorStateV1, type RunResultV1, type TopicName, type TopicPayloads } from '@vigil/contracts';
import type { StoredRecord } from '@vigil/kafka';
import type { EngineSink } from '../engine/detection-engine';

interface Written {
  topic: TopicName;
  key: string;
  value: string | null;
  partition: number | undefined;
}

/** Kafka as the engine sees it: an append-only log per topic, and a switch that makes the next sends fail. */
export class FakeKafka implements EngineSink {
  readonly log: Written[] = [];
  failNext = false;

  async produce<T extends TopicName>(topic: T, key: string, payload: TopicPayloads[T], partition?: number): Promise<void> {
    if (this.failNext) throw new Error('broker unavailable');
    this.log.push({ topic, key, value: encodeMessage(topic, payload), partition });
  }

  async tombstone(topic: TopicName, key: string, partition?: number): Promise<void> {
    if (this.failNext) throw new Error('broker unavailable');
    this.log.push({ topic, key, value: null, partition });
  }

  readonly readState = async (partitions: readonly number[], onRecord: (record: StoredRecord) => void): Promise<number> => {
    let count = 0;
    this.log.forEach((written, offset) => {
      if (written.topic !== 'vigil.scheduler-state.v1' || !partitions.includes(written.partition ?? -1)) return;
      onRecord({
        partition: written.partition!,
        offset: String(offset),
        key: written.key,
        value: written.value === null ? null : Buffer.from(written.value),
        timestamp: 0,
        headers: {},
      });
      count += 1;
    });
    return count;
  };

  /** The payloads written to a topic, in order. */
  of<T>(topic: TopicName): T[] {
    return this.log.filter((w) => w.topic === topic).map((w) => JSON.parse(w.value!) as T);
  }

  events(): MonitorEventV1[] {
    return this.of<MonitorEventV1>('vigil.monitor-events.v1');
  }

  results(): RunResultV1[] {
    return this.of<RunResultV1>('vigil.run-results.v1');
  }

  states(): MonitorStateV1[] {
    return this.of<MonitorStateV1>('vigil.monitor-states.v1');
  }
}
