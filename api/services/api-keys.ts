/**
 * API keys: `dm_<id>_<secret>`. The id finds the row; only SHA-256 of the secret is stored, compared in
 * constant time. The full key is returned once, at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { apiKeys, type ApiRole } from '../../db/api-schema.js';
import { appendAudit, type Actor } from './audit.js';

const keyPattern = /^dm_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiRole;
  /** Shown once; store it in the caller's secret manager. */
  key: string;
}

export async function createApiKey(db: Database, options: { name: string; role: ApiRole; createdBy: Actor; at: Date }): Promise<CreatedApiKey> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    await tx.insert(apiKeys).values({ id, name: options.name, role: options.role, secretHash: hashSecret(secret), createdBy: `${options.createdBy.name} (${options.createdBy.id})`, createdAt: options.at });
    await appendAudit(tx, { at: options.at, actor: options.createdBy, action: 'apikey.create', targetType: 'api_key', targetId: id, detail: { name: options.name, role: options.role } });
  });
  return { id, name: options.name, role: options.role, key: `dm_${id}_${secret}` };
}

/** The actor for a presented key, or undefined when it is malformed, unknown, revoked or wrong. */
export async function authenticateApiKey(db: Database, presented: string): Promise<Actor | undefined> {
  const match = keyPattern.exec(presented);
  if (!match) return undefined;
  const [, id = '', secret = ''] = match;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  if (!row || row.revokedAt) return undefined;
  const expected = Buffer.from(row.secretHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
  return { id: row.id, name: row.name, role: row.role };
}
