import { DomainError } from '@vigil/errors';
import { objectBody, onlyFields } from '../common/request-body';
import { parseName, parseSlug, slugify } from '../common/slug';

/** `{"slug": "platform", "name": "Platform"}`: either may be left out (Sentry's rule), not both. */
export function parseTeamCreate(raw: unknown): { slug: string; name: string } {
  const body = objectBody(raw);
  onlyFields(body, ['slug', 'name'], 'invalid_field');
  if (body['slug'] === undefined && body['name'] === undefined) throw new DomainError('invalid', 'invalid_slug', 'send a slug or a name (or both)', 'slug');
  if (body['slug'] !== undefined) {
    const slug = parseSlug(body['slug'], 'slug');
    return { slug, name: body['name'] === undefined ? slug : parseName(body['name'], 'name') };
  }
  const name = parseName(body['name'], 'name');
  const slug = slugify(name);
  if (!slug)
    throw new DomainError(
      'invalid',
      'invalid_slug',
      'no slug can be made from this name: send a slug (lower-case letters, digits, - or _, not only digits)',
      'slug',
    );
  return { slug, name };
}
