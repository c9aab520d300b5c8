/**
 * The worker's business metrics for Prometheus: messages by channel and outcome, compliance decisions by
 * decision and deciding rule, escalations and tasks by kind. Fed by the decision sink, which Temporal does not
 * call during replay, so a workflow evicted from the cache and replayed is never counted twice.
 * (Workflow-task latency and activity failures come from the Temporal SDK's own exporter; see cli/worker.ts.)
 */
import { createServer, type Server } from 'node:http';
import { Counter, Registry } from 'prom-client';
import type { TimelineEntry } from '../workflows/invoice/messages.js';

export interface WorkerMetrics {
  registry: Registry;
  record(entry: TimelineEntry): void;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  const messages = new Counter({ name: 'dunmore_messages_total', help: 'Message decisions by channel and outcome (sent, deferred, held, denied, failed)', labelNames: ['channel', 'outcome'], registers: [registry] });
  const compliance = new Counter({ name: 'dunmore_compliance_decisions_total', help: 'Compliance gate decisions by decision and the first deciding rule', labelNames: ['decision', 'rule'], registers: [registry] });
  const escalations = new Counter({ name: 'dunmore_escalations_total', help: 'Escalations, call tasks and approvals raised', labelNames: ['kind'], registers: [registry] });
  const outcomes = new Set(['sent', 'deferred', 'held', 'denied', 'failed']);
  return {
    registry,
    record(entry) {
      if (entry.channel && (entry.channel === 'email' || entry.channel === 'sms') && outcomes.has(entry.kind)) {
        messages.inc({ channel: entry.channel, outcome: entry.kind });
      }
      if (entry.compliance) compliance.inc({ decision: entry.compliance.decision, rule: entry.compliance.decision === 'allow' ? 'allowed' : (entry.compliance.rules[0] ?? 'unknown') });
      if (entry.kind === 'escalated') escalations.inc({ kind: entry.rule === 'escalation.sla' ? 'sla-breach' : 'escalation' });
      if (entry.kind === 'task' && entry.channel === 'call_task') escalations.inc({ kind: 'call_task' });
    },
  };
}

/** Serves `/metrics` on host:port. */
export async function serveMetrics(registry: Registry, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void registry.metrics().then((body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
