/**
 * Registers Dunmore's search attributes on a Temporal namespace (external clusters; the embedded dev server
 * gets them as start flags). Idempotent: attributes that already exist with the right type are left alone;
 * one that exists with another type is an error, since listing by it would silently misbehave.
 */
import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { invoiceSearchAttributes } from '../workflows/search-attributes.js';

export interface RegistrationResult {
  added: string[];
  existing: string[];
}

/** gRPC status codes used below. */
const grpcUnimplemented = 12;
const grpcAlreadyExists = 6;

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<RegistrationResult> {
  let current;
  try {
    current = await connection.operatorService.listSearchAttributes({ namespace });
  } catch (error) {
    // The time-skipping test server cannot list; add each attribute and treat "already exists" as present.
    if ((error as { code?: number }).code !== grpcUnimplemented) throw error;
    return addOneByOne(connection, namespace);
  }
  const custom = current.customAttributes ?? {};
  const added: string[] = [];
  const existing: string[] = [];
  const toAdd: Record<string, number> = {};
  for (const key of invoiceSearchAttributes) {
    const wanted = encodeSearchAttributeIndexedValueType(key.type);
    if (wanted === undefined) throw new Error(`search attribute ${key.name}: unknown type ${key.type}`);
    const have = custom[key.name];
    if (have === undefined) {
      toAdd[key.name] = wanted;
      added.push(key.name);
    } else if (have !== wanted) {
      throw new Error(
        `search attribute ${key.name} exists on namespace ${namespace} with another type (${have}); Dunmore needs ${key.type}. ` +
          'Remove it with `temporal operator search-attribute remove` or use another namespace.',
      );
    } else {
      existing.push(key.name);
    }
  }
  if (added.length > 0) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: toAdd });
  return { added, existing };
}

async function addOneByOne(connection: Connection, namespace: string): Promise<RegistrationResult> {
  const result: RegistrationResult = { added: [], existing: [] };
  for (const key of invoiceSearchAttributes) {
    const type = encodeSearchAttributeIndexedValueType(key.type);
    if (type === undefined) throw new Error(`search attribute ${key.name}: unknown type ${key.type}`);
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [key.name]: type } });
      result.added.push(key.name);
    } catch (error) {
      if ((error as { code?: number }).code !== grpcAlreadyExists) throw error;
      result.existing.push(key.name);
    }
  }
  return result;
}
