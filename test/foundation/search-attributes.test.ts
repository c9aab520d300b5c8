import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { registerSearchAttributes } from '../../embedded/search-attribute-registration.js';
import { startTemporalDevServer, type RunningDevServer } from '../../embedded/temporal-dev-server.js';

describe('dunmore temporal setup (search attribute registration)', () => {
  let server: RunningDevServer;
  let connection: Connection;
  beforeAll(async () => {
    // A bare server, like an external cluster nobody has prepared for Dunmore yet.
    server = await startTemporalDevServer({ pidDir: path.join(os.tmpdir(), 'dunmore-sa-pids'), searchAttributes: [] });
    connection = await Connection.connect({ address: server.address });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  it('adds the invoice search attributes once, then finds them present', async () => {
    const first = await registerSearchAttributes(connection, 'default');
    expect(first.added.sort()).toEqual(['DaysPastDue', 'DebtorId', 'InvoiceStatus', 'NextActionAt', 'PolicyId', 'Segment']);
    const second = await registerSearchAttributes(connection, 'default');
    expect(second).toEqual({ added: [], existing: expect.arrayContaining(first.added) });
  });

  it('refuses a namespace where an attribute exists with another type', async () => {
    await connection.workflowService.registerNamespace({ namespace: 'conflict', workflowExecutionRetentionPeriod: msToTs('1 day') });
    await connection.operatorService.addSearchAttributes({ namespace: 'conflict', searchAttributes: { Segment: encodeSearchAttributeIndexedValueType('INT')! } });
    await expect(registerSearchAttributes(connection, 'conflict')).rejects.toThrow(/Segment exists on namespace conflict with another type/);
  });
});
