import type { KeyCodec } from '../common/pagination/keyset-pagination';

/** Where a run stands in a monitor's history, newest first: when it started, then its check-in id and environment. */
export interface RunKey {
  createdMs: number;
  checkinId: string;
  environment: string;
}

/** Run keys in cursors: `[started ms, checkin_id, environment]`. */
export const RUN_KEY_CODEC: KeyCodec<RunKey> = {
  toJson: (key) => [key.createdMs, key.checkinId, key.environment],
  fromJson: (value) => {
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [createdMs, checkinId, environment] = value as unknown[];
    if (typeof createdMs !== 'number' || !Number.isSafeInteger(createdMs) || createdMs < 0) return null;
    if (typeof checkinId !== 'string' || !/^[0-9a-f-]{1,64}$/.test(checkinId)) return null;
    if (typeof environment !== 'string' || environment.length === 0 || environment.length > 64) return null;
    return { createdMs, checkinId, environment };
  },
};
