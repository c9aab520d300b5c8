/**
 * Semantic diff of two compiled policies: what a reviewer needs to know (steps added, removed, moved, retimed,
 * re-templated; window, compliance and event-behaviour changes), not which YAML lines moved.
 */
import { formatOffset } from './offset.js';
import type { CompiledPolicy, CompiledStep } from './policy.js';

export interface PolicyChange {
  kind: 'step-added' | 'step-removed' | 'step-retimed' | 'step-template-changed' | 'step-changed' | 'step-moved' | 'setting-changed';
  stepId?: string;
  field?: string;
  before?: string;
  after?: string;
  summary: string;
}

export function describeStepTiming(step: CompiledStep): string {
  const anchor = { issue: 'issue', due: 'due', previous: 'previous', brokenPromise: 'brokenPromise' }[step.at.anchor];
  return `${anchor} ${formatOffset(step.at.offset)}${step.at.time ? ` at ${step.at.time}` : ''}`;
}

function describeStep(step: CompiledStep): string {
  return `${step.action}${step.template ? ` ${step.template}` : ''}${step.queue ? ` → ${step.queue}` : ''}, ${describeStepTiming(step)}`;
}

/** Stable JSON with sorted keys, so equal settings compare equal whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function show(value: unknown): string {
  if (value === undefined) return '(none)';
  if (typeof value === 'string') return value;
  return canonical(value);
}

/** Leaf-by-leaf differences of two plain values, as dotted paths. */
function leafChanges(path: string, a: unknown, b: unknown, out: PolicyChange[]): void {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) leafChanges(path ? `${path}.${key}` : key, a[key], b[key], out);
    return;
  }
  if (canonical(a) === canonical(b)) return;
  out.push({ kind: 'setting-changed', field: path, before: show(a), after: show(b), summary: `${path}: ${show(a)} → ${show(b)}` });
}

export function diffPolicies(a: CompiledPolicy, b: CompiledPolicy): PolicyChange[] {
  const changes: PolicyChange[] = [];
  const before = new Map(a.steps.map((s, i) => [s.id, { step: s, index: i }]));
  const after = new Map(b.steps.map((s, i) => [s.id, { step: s, index: i }]));

  for (const [id, { step }] of before) {
    if (!after.has(id)) changes.push({ kind: 'step-removed', stepId: id, before: describeStep(step), summary: `- step ${id} removed (was ${describeStep(step)})` });
  }
  for (const [id, { step }] of after) {
    if (!before.has(id)) changes.push({ kind: 'step-added', stepId: id, after: describeStep(step), summary: `+ step ${id} added (${describeStep(step)})` });
  }
  // Order matters (steps run in the order listed), so report moves relative to the steps both versions share.
  const sharedBefore = a.steps.filter((s) => after.has(s.id)).map((s) => s.id);
  const sharedAfter = b.steps.filter((s) => before.has(s.id)).map((s) => s.id);
  sharedAfter.forEach((id, i) => {
    if (sharedBefore[i] !== id && sharedBefore.indexOf(id) !== i) {
      changes.push({ kind: 'step-moved', stepId: id, before: String(sharedBefore.indexOf(id) + 1), after: String(i + 1), summary: `~ step ${id} moved from position ${sharedBefore.indexOf(id) + 1} to ${i + 1} among shared steps` });
    }
  });
  for (const [id, { step: old }] of before) {
    const current = after.get(id)?.step;
    if (!current) continue;
    const oldTiming = describeStepTiming(old);
    const newTiming = describeStepTiming(current);
    if (oldTiming !== newTiming) changes.push({ kind: 'step-retimed', stepId: id, before: oldTiming, after: newTiming, summary: `~ step ${id} retimed: ${oldTiming} → ${newTiming}` });
    if (old.template !== current.template) {
      changes.push({ kind: 'step-template-changed', stepId: id, before: show(old.template), after: show(current.template), summary: `~ step ${id} template: ${show(old.template)} → ${show(current.template)}` });
    }
    const { at: _a, template: _t, id: _i, ...restOld } = old;
    const { at: _b, template: _u, id: _j, ...restNew } = current;
    const stepChanges: PolicyChange[] = [];
    leafChanges('', restOld, restNew, stepChanges);
    for (const c of stepChanges) {
      changes.push({ kind: 'step-changed', stepId: id, field: c.field ?? '', before: c.before ?? '', after: c.after ?? '', summary: `~ step ${id} ${c.field}: ${c.before} → ${c.after}` });
    }
  }
  const { steps: _s, contentHash: _h, version: _v, schemaVersion: _x, ...settingsA } = a;
  const { steps: _s2, contentHash: _h2, version: _v2, schemaVersion: _x2, ...settingsB } = b;
  const settingChanges: PolicyChange[] = [];
  leafChanges('', settingsA, settingsB, settingChanges);
  for (const c of settingChanges) changes.push({ ...c, summary: `~ ${c.summary}` });
  return changes;
}
