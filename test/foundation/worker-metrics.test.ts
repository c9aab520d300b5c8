import { describe, expect, it } from 'vitest';
import { createWorkerMetrics, serveMetrics } from '../../worker/metrics.js';
import type { TimelineEntry } from '../../workflows/invoice/messages.js';

const entry = (e: Partial<TimelineEntry>): TimelineEntry => ({ at: '2026-03-02T15:00:00Z', kind: 'event', reason: 'r', policy: { id: 'p', version: 1 }, ...e });

describe('worker metrics', () => {
  it('counts messages by channel and outcome, compliance decisions by rule, and escalations, served for Prometheus', async () => {
    const metrics = createWorkerMetrics();
    metrics.record(entry({ kind: 'sent', channel: 'email', compliance: { decision: 'allow', basis: 'law', rules: ['x'], reasons: [], ruleVersion: '1', counted: [] } }));
    metrics.record(entry({ kind: 'sent', channel: 'sms' }));
    metrics.record(entry({ kind: 'deferred', channel: 'email', compliance: { decision: 'defer', until: '2026-03-02T18:00:00Z', basis: 'law', rules: ['12 CFR 1006.6(b)(1)(i)'], reasons: [], ruleVersion: '1', counted: [] } }));
    metrics.record(entry({ kind: 'escalated', rule: 'policy.steps.final' }));
    metrics.record(entry({ kind: 'escalated', rule: 'escalation.sla' }));
    metrics.record(entry({ kind: 'task', channel: 'call_task' }));
    const server = await serveMetrics(metrics.registry, '127.0.0.1', 0);
    try {
      const { port } = server.address() as { port: number };
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toContain('dunmore_messages_total{channel="email",outcome="sent"} 1');
      expect(text).toContain('dunmore_messages_total{channel="email",outcome="deferred"} 1');
      expect(text).toContain('dunmore_messages_total{channel="sms",outcome="sent"} 1');
      expect(text).toContain('dunmore_compliance_decisions_total{decision="defer",rule="12 CFR 1006.6(b)(1)(i)"} 1');
      expect(text).toContain('dunmore_compliance_decisions_total{decision="allow",rule="allowed"} 1');
      expect(text).toContain('dunmore_escalations_total{kind="escalation"} 1');
      expect(text).toContain('dunmore_escalations_total{kind="sla-breach"} 1');
      expect(text).toContain('dunmore_escalations_total{kind="call_task"} 1');
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
