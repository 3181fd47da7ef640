import type { CheckSpec } from './check-spec';
import { graceSeconds, timeoutSeconds, type CheckRecord } from './check.presenter';

/**
 * Healthchecks' upsert: a create whose `unique` names fields finds the first existing check (oldest first) that
 * has the spec's value in every one of them. A field named in `unique` but absent from the spec matches
 * nothing, so the create goes ahead. `timeout` matches interval checks of that period only.
 */
export function findUniqueMatch(records: readonly CheckRecord[], spec: CheckSpec): CheckRecord | null {
  const fields = spec.unique ?? [];
  if (fields.length === 0 || fields.some((field) => spec[field] === undefined)) return null;
  return (
    records.find((record) =>
      fields.every((field) => {
        switch (field) {
          case 'name':
            return record.name === spec.name;
          case 'slug':
            return record.slug === spec.slug;
          case 'tags':
            return record.tags === spec.tags;
          case 'timeout':
            return timeoutSeconds(record) === spec.timeout;
          case 'grace':
            return graceSeconds(record) === spec.grace;
        }
      }),
    ) ?? null
  );
}
