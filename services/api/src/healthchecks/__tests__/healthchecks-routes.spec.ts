import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTHCHECKS_ROUTES, healthchecksRoute } from '../healthchecks-http';

/** The committed document (docs/openapi.json, held equal to the served one by an integration test). */
const document = JSON.parse(readFileSync(join(__dirname, '../../../../../docs/openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };

describe('the Healthchecks route table', () => {
  const operations = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/v3/'));

  it('knows every /api/v3/ operation of the document, with its method', () => {
    expect(operations.length).toBeGreaterThan(5);
    for (const [path, item] of operations) {
      const concrete = path.replace(/\{[^}]+\}/g, '7c0e6a4e-2f35-4d7c-9b1e-1d2f3a4b5c6d');
      const route = healthchecksRoute(concrete);
      expect({ path, found: route !== undefined }).toEqual({ path, found: true });
      for (const method of Object.keys(item))
        expect({ path, method, allowed: route!.methods.includes(method.toUpperCase()) }).toEqual({ path, method, allowed: true });
    }
  });

  it('lists no method the document does not have', () => {
    for (const route of HEALTHCHECKS_ROUTES) {
      const documented = operations
        .filter(([path]) => route.path.test(path.replace(/\{[^}]+\}/g, 'x').replace(/\/$/, '')))
        .flatMap(([, item]) => Object.keys(item).map((method) => method.toUpperCase()));
      expect({ route: route.path.source, methods: [...route.methods].sort() }).toEqual({ route: route.path.source, methods: [...new Set(documented)].sort() });
    }
  });

  it('takes a trailing slash and a query string, and nothing outside /api/v3/', () => {
    expect(healthchecksRoute('/api/v3/checks/?tag=a')?.methods).toEqual(['GET', 'POST']);
    expect(healthchecksRoute('/api/v3/checks')?.methods).toEqual(['GET', 'POST']);
    expect(healthchecksRoute('/api/0/organizations/x/monitors/')).toBeUndefined();
    expect(healthchecksRoute('/api/v3/nothing/')).toBeUndefined();
  });
});
