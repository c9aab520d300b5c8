/**
 * Malformed policy files, one per folder under fixtures/malformed/, each with the exact diagnostics an analyst
 * sees. The messages are part of the product: changing one is a reviewed change to this table.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../dunning/catalog/diagnostics.js';
import { PolicyCatalog, validatePaths } from '../../dunning/catalog/policy-catalog.js';

const fixtures = 'test/policies/fixtures/malformed';
const file = (name: string): string => `${fixtures}/${name}/v1.yaml`;
const templates = 'test/policies/fixtures/templates';

const malformed: Array<[name: string, expected: string[]]> = [
  [
    "bad-action",
    [
      `${file('bad-action')}:11:46: steps[0].action: "emial" is not allowed here; did you mean "email"?`,
    ],
  ],
  [
    "bad-currency",
    [
      `${file('bad-currency')}:6:35: appliesTo.currency[2]: "XXY" is not an ISO 4217 currency code such as USD, EUR or GBP`,
    ],
  ],
  [
    "bad-duration",
    [
      `${file('bad-duration')}:12:29: steps[1].at.due: "7x" is not a duration: write a whole number and a unit: d (calendar days), bd (business days), w (weeks) or mo (months), e.g. -3d, 0d, 7bd`,
    ],
  ],
  [
    "call-without-queue",
    [
      `${file('call-without-queue')}:13:5: steps[2] (call): action call_task needs a queue naming the team that takes the task, e.g. queue: collections`,
    ],
  ],
  [
    "duplicate-step-id",
    [
      `${file('duplicate-step-id')}:12:11: steps[1].id: duplicate step id "reminder" (also steps[0]); step ids must be unique`,
    ],
  ],
  [
    "duration-number",
    [
      `${file('duration-number')}:11:32: steps[0].at.due: 0 is not a duration: write a whole number and a unit: d (calendar days), bd (business days), w (weeks) or mo (months), e.g. -3d, 0d, 7bd`,
    ],
  ],
  [
    "edited-published",
    [
      `${file('edited-published')}:1:1: edited-published v1 is published (test/policies/fixtures/malformed/published.lock:2) and its content changed (sha256:000000000000… → sha256:b749a50b908b…); published versions are immutable because invoices in flight are pinned to them: revert this file and publish v2 instead`,
    ],
  ],
  [
    "goto-unknown",
    [
      `${file('goto-unknown')}:13:66: onPromiseToPay.whenBroken.goTo: no step "nudg"; did you mean "nudge"?`,
    ],
  ],
  [
    "id-mismatch",
    [
      `${file('id-mismatch')}:2:5: id: "some-other-policy" does not match its folder id-mismatch/; rename the folder or change the id`,
    ],
  ],
  [
    "invalid-time-zone",
    [
      `${file('invalid-time-zone')}:6:11: timeZone: "America/New_Yrok" is not an IANA time zone; did you mean "America/New_York"?`,
    ],
  ],
  [
    "missing-owner",
    [
      `${file('missing-owner')}:2:1: missing required key "owner"`,
    ],
  ],
  [
    "missing-template",
    [
      `${file('missing-template')}:11:63: steps[0].template: ${templates}/email/no-such-template.en.hbs not found (policy locales: en); create it`,
    ],
  ],
  [
    "out-of-order",
    [
      `${file('out-of-order')}:12:29: steps[1] (nudge) at due +7bd would fire before "reminder" listed above it (due +15d); steps run in the order listed: move it up or change its offset`,
    ],
  ],
  [
    "previous-first-step",
    [
      `${file('previous-first-step')}:11:37: steps[0].at.previous: the first step has no previous step; anchor it to issue or due`,
    ],
  ],
  [
    "quiet-hours",
    [
      `${file('quiet-hours')}:7:21: sendWindow.from: 07:00 is before 08:00; debtors may be contacted only between 08:00 and 21:00 their local time (Reg F 1006.6(b)(1)(i); company policy for every profile)`,
    ],
  ],
  [
    "raw-money",
    [
      `${templates}/email/raw-money.en.hbs:7:14: "invoice.balance" is an amount in minor units: write {{money invoice.balance}}`,
    ],
  ],
  [
    "regf-hidden-footer",
    [
      `${templates}/email/hidden-footer.en.hbs:6:13: "display:none" can hide text; consumer-regF messages must keep every notice clear and conspicuous: remove it`,
    ],
  ],
  [
    "regf-no-opt-out-url",
    [
      `${file('regf-no-opt-out-url')}:9:1: sender: consumer-regF policies that send email need sender.optOutUrl: every email must carry a simple opt-out (Reg F 1006.6(e))`,
    ],
  ],
  [
    "sms-too-long",
    [
      `${templates}/sms/too-long.en.hbs:1:1: SMS is 2 segments (GSM-7, 273 characters with sample data); policy sms-too-long allows 1 (compliance.maxSmsSegments): shorten the text`,
    ],
  ],
  [
    "time-format",
    [
      `${file('time-format')}:7:21: sendWindow.from: "9am" is not a time: write 24-hour "HH:MM" in quotes, e.g. "09:00"`,
    ],
  ],
  [
    "two-anchors",
    [
      `${file('two-anchors')}:11:21: steps[0].at: has issue and due; give exactly one of issue, due, previous or brokenPromise, e.g. { due: 7d }`,
    ],
  ],
  [
    "unknown-calendar",
    [
      `${file('unknown-calendar')}:7:53: sendWindow.calendar: no calendar "UK" (looked for test/policies/fixtures/malformed/calendars/UK.yaml); did you mean "US"?`,
    ],
  ],
  [
    "unknown-key",
    [
      `${file('unknown-key')}:14:1: unknown key "onDisput"; did you mean "onDispute"?`,
    ],
  ],
  [
    "unknown-step-key",
    [
      `${file('unknown-step-key')}:11:53: unknown key "tempalte" in steps[0]; did you mean "template"?`,
    ],
  ],
  [
    "unknown-variable",
    [
      `${templates}/email/bad-variable.en.hbs:6:23: unknown variable "invoice.balanse"; did you mean "invoice.balance"?`,
    ],
  ],
  [
    "unreachable-broken-promise",
    [
      `${file('unreachable-broken-promise')}:13:47: steps[2] (after-promise) can never run: it waits for a broken promise but the policy has no onPromiseToPay; add onPromiseToPay or anchor the step to due`,
    ],
  ],
  [
    "unreachable-segment",
    [
      `${file('unreachable-segment')}:13:89: steps[1] (nudge) can never run: conditions.segment enterprise is outside appliesTo.segment smb, midmarket`,
    ],
  ],
  [
    "version-mismatch",
    [
      `${file('version-mismatch')}:3:10: version: 2 does not match the file name v1.yaml; rename the file or change the version`,
    ],
  ],
  [
    "window-inverted",
    [
      `${file('window-inverted')}:7:34: sendWindow.to: 09:00 is not after sendWindow.from 17:00; the window is from–to on the same local day`,
    ],
  ],
  [
    "yaml-duplicate-key",
    [
      `${file('yaml-duplicate-key')}:6:1: YAML: duplicate key: each key may appear only once in a mapping; remove or rename one of them`,
    ],
  ],
];

describe('policy validate: malformed files', () => {
  it('covers at least 20 distinct mistakes', () => {
    expect(malformed.length).toBeGreaterThanOrEqual(20);
  });

  it.each(malformed)('%s', (name, expected) => {
    expect(validatePaths([file(name)]).map(formatDiagnostic)).toEqual(expected);
  });
});

describe('policy validate: the shipped catalog', () => {
  it('has no findings', () => {
    expect(validatePaths(['policies']).map(formatDiagnostic)).toEqual([]);
  });

  it('compiles every published policy into self-contained JSON (holidays and hash included)', () => {
    const catalog = new PolicyCatalog({ policiesRoot: 'policies' });
    const policy = catalog.resolve('b2b-net30-standard@3');
    expect(policy.sendWindow.calendar.holidays).toContain('2025-07-04');
    expect(policy.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });
});

describe('published versions are immutable', () => {
  function copyCatalog(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dunmore-policies-'));
    for (const rel of ['published.lock', 'router.yaml', 'calendars/US.yaml', 'smb-firm/v1.yaml']) {
      mkdirSync(path.dirname(path.join(dir, 'policies', rel)), { recursive: true });
      copyFileSync(path.join('policies', rel), path.join(dir, 'policies', rel));
    }
    return dir;
  }

  it('ignores comments and formatting but refuses a changed value, naming the next version', () => {
    const dir = copyCatalog();
    const policyFile = path.join(dir, 'policies', 'smb-firm', 'v1.yaml');
    const original = readFileSync(policyFile, 'utf8');
    writeFileSync(policyFile, `# a new comment changes nothing\n${original}`);
    expect(new PolicyCatalog({ policiesRoot: path.join(dir, 'policies'), templatesRoot: 'templates' }).load(policyFile).status).toBe('published');

    writeFileSync(policyFile, original.replace('holdDays: 3', 'holdDays: 4'));
    const entry = new PolicyCatalog({ policiesRoot: path.join(dir, 'policies'), templatesRoot: 'templates' }).load(policyFile);
    expect(entry.status).toBe('edited');
    expect(entry.diagnostics[0]?.message).toMatch(/^smb-firm v1 is published \(.*published\.lock:\d+\) and its content changed .*publish v2 instead$/);
  });

  it('reports a published version whose file was deleted', () => {
    const dir = copyCatalog();
    const lock = path.join(dir, 'policies', 'published.lock');
    const diagnostics = validatePaths([lock], { templatesRoot: 'templates' }).map((d) => d.message);
    expect(diagnostics).toContain(`b2b-net30-standard@3 is published but ${path.join(dir, 'policies', 'b2b-net30-standard', 'v3.yaml')} is missing; restore it: invoices in flight may be pinned to it`);
  });
});

describe('dunmore policy validate (CLI)', () => {
  const run = (...args: string[]) => spawnSync(process.execPath, ['bin/dunmore.js', 'policy', ...args], { encoding: 'utf8' });

  it('exits 0 on the shipped policies', () => {
    const result = run('validate', 'policies');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('exits 2 with file:line:col lines', () => {
    const result = run('validate', file('bad-duration'), file('unknown-key'));
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n').filter((l) => /:\d+:\d+: /.test(l))).toEqual([
      ...(malformed.find(([n]) => n === 'bad-duration')?.[1] ?? []),
      ...(malformed.find(([n]) => n === 'unknown-key')?.[1] ?? []),
    ]);
  });
});
