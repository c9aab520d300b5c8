import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root: embedded defaults (.tools/, .data/) live beneath it. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where embedded services keep their state (ignored by git). Overridable for tests and packaging. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.DUNMORE_DATA_DIR ? path.resolve(env.DUNMORE_DATA_DIR) : path.join(projectRoot, '.data');
}
