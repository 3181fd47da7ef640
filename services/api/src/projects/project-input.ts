import { DomainError } from '@vigil/errors';
import { objectBody, onlyFields } from '../common/request-body';
import { parseName, parseSlug, slugify } from '../common/slug';

export interface ProjectCreate {
  name: string;
  slug: string;
}

export interface ProjectUpdate {
  name?: string;
  slug?: string;
}

const FIELDS = ['name', 'slug'] as const;

/** `{"name": "Backend", "slug": "backend"}`; the slug is made from the name when left out, as Sentry does. */
export function parseProjectCreate(raw: unknown): ProjectCreate {
  const body = objectBody(raw);
  onlyFields(body, FIELDS, 'invalid_field');
  const name = parseName(body['name'], 'name');
  if (body['slug'] !== undefined) return { name, slug: parseSlug(body['slug'], 'slug') };
  const slug = slugify(name);
  if (!slug)
    throw new DomainError(
      'invalid',
      'invalid_slug',
      'no slug can be made from this name: send a slug (lower-case letters, digits, - or _, not only digits)',
      'slug',
    );
  return { name, slug };
}

/** Renames a project or changes its slug (URLs that name the project by slug change with it; its id stays). */
export function parseProjectUpdate(raw: unknown): ProjectUpdate {
  const body = objectBody(raw);
  onlyFields(body, FIELDS, 'invalid_field');
  const update: ProjectUpdate = {};
  if (body['name'] !== undefined) update.name = parseName(body['name'], 'name');
  if (body['slug'] !== undefined) update.slug = parseSlug(body['slug'], 'slug');
  return update;
}
