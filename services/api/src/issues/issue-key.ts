import type { KeyCodec } from '../common/pagination/keyset-pagination';

/**
 * Where an issue stands in the organization's list, newest opened first: when it opened, then its id. Issues
 * open at a millisecond (the run result's time), so the key is exact.
 */
export interface IssueKey {
  openedMs: number;
  id: string;
}

const ISSUE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Issue keys in cursors: `[opened ms, issue id]`. */
export const ISSUE_KEY_CODEC: KeyCodec<IssueKey> = {
  toJson: (key) => [key.openedMs, key.id],
  fromJson: (value) => {
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [openedMs, id] = value as unknown[];
    if (typeof openedMs !== 'number' || !Number.isSafeInteger(openedMs) || openedMs < 0) return null;
    if (typeof id !== 'string' || !ISSUE_ID.test(id)) return null;
    return { openedMs, id };
  },
};
