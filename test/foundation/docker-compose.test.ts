/**
 * No Docker engine runs in CI, so the compose file users rely on is checked structurally instead:
 * every service the README promises, pinned images, loopback-only ports, and wiring that matches the
 * connection settings the README tells users to export.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Service {
  image: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
}
const file = fileURLToPath(new URL('../../temporal.docker-compose.yml', import.meta.url));
const source = readFileSync(file, 'utf8');
const compose = parse(source) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`service ${name} missing from temporal.docker-compose.yml`);
  return s;
};

describe('temporal.docker-compose.yml', () => {
  it('defines Temporal on PostgreSQL, its UI, an app PostgreSQL and an SMTP catcher', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['dunmore-postgresql', 'smtp-catcher', 'temporal', 'temporal-postgresql', 'temporal-ui'].sort(),
    );
    expect(service('temporal').environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-postgresql' });
    expect(Object.keys(service('temporal').depends_on ?? {})).toContain('temporal-postgresql');
    expect(service('temporal-ui').environment?.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
  });

  it('publishes ports on loopback only', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      for (const port of s.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('matches the connection settings documented at its top', () => {
    const app = service('dunmore-postgresql').environment ?? {};
    expect(source).toContain(`DATABASE_URL=postgres://${app.POSTGRES_USER}:${app.POSTGRES_PASSWORD}@127.0.0.1:5433/${app.POSTGRES_DB}`);
    expect(service('dunmore-postgresql').ports).toContain('127.0.0.1:5433:5432');
    expect(service('temporal').ports).toContain('127.0.0.1:7233:7233');
    expect(source).toContain('TEMPORAL_ADDRESS=127.0.0.1:7233');
    expect(service('smtp-catcher').ports).toContain('127.0.0.1:1025:1025');
    expect(source).toContain('SMTP_URL=smtp://127.0.0.1:1025');
  });
});
