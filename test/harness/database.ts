/** A fresh, migrated database per test file on the run's PostgreSQL, so files never see each other's rows. */
import postgres from 'postgres';
import { inject } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { migrateDatabase } from '../../db/migrate.js';
import { uniqueName } from './temporal.js';

export async function createTestDatabase(): Promise<DatabaseHandle & { url: string }> {
  const serverUrl = new URL(inject('databaseUrl'));
  const name = uniqueName('t').replaceAll('-', '_');
  const admin = postgres(serverUrl.href, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl.href);
  url.pathname = `/${name}`;
  const handle = connectDatabase(url.href, { max: 4 });
  await migrateDatabase(handle.db);
  return { ...handle, url: url.href };
}
