/**
 * A monitor's tags, as Healthchecks keeps them: one text of words separated by spaces (`monitors.tags`, set through
 * the Management API v3). The Healthchecks API shows that text; Vigil's monitors API shows the words.
 */

/** `"a b  c"` → `['a', 'b', 'c']`: Healthchecks' tags are words separated by spaces. */
export function tagList(tags: string): string[] {
  return tags
    .split(' ')
    .filter((tag) => tag.trim() !== '')
    .map((tag) => tag.trim());
}

/** One tag in a filter: a word, without spaces or NUL (a tag never holds one: spaces separate them). */
export const TAG_PATTERN = '^[^\\s\\u0000]+$';
/** The monitors list's `tag=` filter: at most this many tags, of at most TAG_FILTER_LENGTH characters each. */
export const TAG_FILTER_MAX = 10;
export const TAG_FILTER_LENGTH = 100;
