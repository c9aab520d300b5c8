/**
 * Turns zod issues into `file:line:col: path: message` diagnostics an ops analyst can act on: unknown keys get a
 * "did you mean", enum mistakes list the allowed values, missing keys are reported on the mapping that lacks them.
 */
import type { z } from 'zod';
import type { Diagnostic } from './diagnostics.js';
import { suggestion } from './diagnostics.js';
import type { DataPath, YamlSource } from './yaml-source.js';
import { diagnosticAt, diagnosticAtKey, formatPath } from './yaml-source.js';

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  valueType?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Unwraps optional/default/nullable/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
  return current;
}

/** The keys an object schema at `path` accepts (union members contribute all their keys). */
export function knownKeysAt(schema: z.ZodType, path: DataPath): string[] {
  let candidates: z.ZodType[] = [schema];
  for (const part of path) {
    const next: z.ZodType[] = [];
    for (const candidate of candidates) {
      const def = defOf(unwrap(candidate));
      if (typeof part === 'number' && def.element) next.push(def.element);
      if (typeof part === 'string' && def.shape?.[part]) next.push(def.shape[part]);
      if (typeof part === 'string' && def.valueType) next.push(def.valueType);
      if (def.options) candidates.push(...def.options);
    }
    candidates = next;
  }
  const keys = new Set<string>();
  const visit = (candidate: z.ZodType): void => {
    const def = defOf(unwrap(candidate));
    if (def.shape) Object.keys(def.shape).forEach((k) => keys.add(k));
    def.options?.forEach(visit);
  };
  candidates.forEach(visit);
  return [...keys];
}

function describeValue(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `the text ${JSON.stringify(input)}`;
  return `${typeof input} ${String(input)}`;
}

const expectedNames: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value pairs)',
};

const zodDefaultMessage = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

function valueAt(data: unknown, path: DataPath): unknown {
  let value = data;
  for (const part of path) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[part] : undefined;
  return value;
}

export function issuesToDiagnostics(source: YamlSource, schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const where = formatPath(path);
    const input = valueAt(source.data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const known = knownKeysAt(schema, path);
          out.push(diagnosticAtKey(source, path, key, `unknown key "${key}"${path.length ? ` in ${where}` : ''}${suggestion(key, known)}`));
        }
        break;
      case 'invalid_type':
        if (input === undefined) {
          const key = path[path.length - 1];
          const parent = path.slice(0, -1);
          out.push(diagnosticAt(source, parent, `${parent.length ? `${formatPath(parent)}: ` : ''}missing required key "${String(key)}"`));
        } else if (zodDefaultMessage.test(issue.message)) {
          out.push(diagnosticAt(source, path, `${where}: expected ${expectedNames[issue.expected] ?? issue.expected}, got ${describeValue(input)}`));
        } else {
          out.push(diagnosticAt(source, path, `${where}: ${issue.message}`));
        }
        break;
      case 'invalid_value': {
        const allowed = issue.values.map(String);
        out.push(diagnosticAt(source, path, `${where}: ${JSON.stringify(input)} is not allowed here${suggestion(String(input), allowed)}`));
        break;
      }
      case 'too_small':
        out.push(
          diagnosticAt(
            source,
            path,
            zodDefaultMessage.test(issue.message)
              ? issue.origin === 'array'
                ? `${where}: needs at least ${issue.minimum} item(s)`
                : issue.origin === 'string'
                  ? `${where}: must not be empty`
                  : `${where}: ${String(input)} is below the minimum ${issue.minimum}`
              : `${where}: ${issue.message}`,
          ),
        );
        break;
      case 'too_big':
        out.push(diagnosticAt(source, path, zodDefaultMessage.test(issue.message) ? `${where}: ${String(input)} is above the maximum ${issue.maximum}` : `${where}: ${issue.message}`));
        break;
      case 'invalid_union': {
        // Discriminated unions report a bad discriminator here; other unions list each branch's problem.
        const first = issue.errors[0];
        if (zodDefaultMessage.test(issue.message) && first && first.length > 0) {
          out.push(...issuesToDiagnostics(source, schema, first.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }))));
        } else {
          out.push(diagnosticAt(source, path, `${where}: ${issue.message}`));
        }
        break;
      }
      default:
        out.push(diagnosticAt(source, path, `${where}: ${issue.message}`));
    }
  }
  return out;
}

/** Parses `source.data` with `schema`; returns the value or the diagnostics. */
export function parseWithSchema<T extends z.ZodType>(source: YamlSource, schema: T): { value?: z.infer<T>; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(source.data);
  if (result.success) return { value: result.data, diagnostics: [] };
  return { diagnostics: issuesToDiagnostics(source, schema, result.error.issues) };
}
