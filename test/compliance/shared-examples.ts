/** The ten worked cases of ../shared/compliance/examples.json (relative to the repository root). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Basis, ContactRequest, Verdict } from '../../compliance/index.js';

export const examplesPath = fileURLToPath(new URL('../../../shared/compliance/examples.json', import.meta.url));

export interface SharedExample extends ContactRequest {
  id: string;
  title: string;
  expected: { decision: Verdict; until?: string; basis: Basis };
}

export function loadSharedExamples(): SharedExample[] {
  return JSON.parse(readFileSync(examplesPath, 'utf8')) as SharedExample[];
}
