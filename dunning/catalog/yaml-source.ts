/**
 * YAML files with their positions kept: every finding about a value points at the line and column where the
 * author wrote it, via the parsed document's node ranges and a LineCounter.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { Diagnostic } from './diagnostics.js';

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain data (null for an empty file); meaningless when `syntaxErrors` is non-empty. */
  data: unknown;
  syntaxErrors: Diagnostic[];
}

export type DataPath = ReadonlyArray<string | number>;

const friendlyYamlErrors: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate key: each key may appear only once in a mapping; remove or rename one of them',
  BAD_INDENT: 'bad indentation: nested items must be indented consistently (use spaces, not tabs)',
  TAB_AS_INDENT: 'tab used for indentation: YAML needs spaces',
  MISSING_CHAR: 'missing character: check for an unclosed quote, bracket or brace',
  BLOCK_AS_IMPLICIT_KEY: 'a mapping key cannot span several lines: check the indentation above',
};

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntaxErrors = doc.errors.map((error) => {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
    const firstLine = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.message;
    return { file, line: pos.line, col: pos.col, message: `YAML: ${friendlyYamlErrors[error.code] ?? firstLine}` };
  });
  return { file, text, doc, lineCounter, data: syntaxErrors.length ? null : doc.toJS(), syntaxErrors };
}

function position(source: YamlSource, offset: number): { line: number; col: number } {
  return source.lineCounter.linePos(offset);
}

/** The node at `path`, or the nearest ancestor that exists (a missing key is reported on its parent). */
function nearestNode(source: YamlSource, path: DataPath): { node: YamlNode | null; exact: boolean; parentPath: DataPath } {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = (prefix.length === 0 ? source.doc.contents : source.doc.getIn(prefix, true)) as YamlNode | null | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) return { node, exact: depth === path.length, parentPath: prefix };
  }
  return { node: null, exact: false, parentPath: [] };
}

/** Position of the value at `path` (its key when the value is a nested mapping, which reads better). */
export function locate(source: YamlSource, path: DataPath): { line: number; col: number } {
  const { node, exact, parentPath } = nearestNode(source, path);
  if (!node?.range) return { line: 1, col: 1 };
  if (!exact || isMap(node)) {
    // Point at the key that introduces the mapping: `at:` rather than the `{` or first nested key.
    const keyPath = exact ? path : parentPath;
    const key = keyPath[keyPath.length - 1];
    if (key !== undefined && typeof key === 'string') {
      const keyPos = keyPosition(source, keyPath.slice(0, -1), key);
      if (keyPos) return keyPos;
    }
  }
  return position(source, node.range[0]);
}

/** Position of a key inside the mapping at `mapPath`. */
export function keyPosition(source: YamlSource, mapPath: DataPath, key: string): { line: number; col: number } | undefined {
  const map = (mapPath.length === 0 ? source.doc.contents : source.doc.getIn(mapPath, true)) as YamlNode | null | undefined;
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return position(source, pair.key.range[0]);
  }
  return undefined;
}

export function diagnosticAt(source: YamlSource, path: DataPath, message: string): Diagnostic {
  return { file: source.file, ...locate(source, path), message };
}

export function diagnosticAtKey(source: YamlSource, mapPath: DataPath, key: string, message: string): Diagnostic {
  return { file: source.file, ...(keyPosition(source, mapPath, key) ?? locate(source, mapPath)), message };
}

/** `steps[2].at.due`: how paths appear in messages. */
export function formatPath(path: DataPath): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part), '') || '(top level)';
}
