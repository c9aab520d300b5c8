/**
 * Simulation with real templates: the pure timeline from `simulateInvoice`, with each message's rendered subject
 * (email) or text and segment count (SMS), so a reviewer sees what the debtor would read and when.
 */
import { openInvoice } from '../invoice-state.js';
import type { InvoiceEvent, InvoiceFacts } from '../invoice-state.js';
import type { CompiledPolicy, CompiledStep } from '../policy.js';
import { simulateInvoice } from '../simulate.js';
import type { SimulationResult } from '../simulate.js';
import { buildRenderContext } from './render-context.js';
import { channelForAction, renderMessage } from './templates.js';

export interface PolicySimulation extends SimulationResult {
  policy: Pick<CompiledPolicy, 'id' | 'version' | 'contentHash'>;
  invoice: InvoiceFacts;
}

export function simulatePolicy(options: {
  policy: CompiledPolicy;
  invoice: InvoiceFacts;
  events?: readonly InvoiceEvent[];
  templatesRoot: string;
  until?: string;
}): PolicySimulation {
  const { policy, invoice, templatesRoot } = options;
  const initial = openInvoice(invoice, policy, `${invoice.issueDate}T00:00:00Z`);
  const result = simulateInvoice(policy, initial, options.events ?? [], {
    ...(options.until ? { until: options.until } : {}),
    describe: (action, state) => {
      const channel = channelForAction(action.channel);
      if (!action.template || !channel) return {};
      const step = policy.steps.find((s) => s.id === action.stepId) as CompiledStep;
      try {
        const rendered = renderMessage({ templatesRoot, policy, channel, template: action.template, context: buildRenderContext(state, policy, step, action.at) });
        if (rendered.channel === 'email') return { subject: rendered.subject ?? '' };
        if (rendered.channel === 'sms') return { subject: rendered.text, ...(rendered.sms ? { smsSegments: rendered.sms.segments } : {}) };
        return { subject: rendered.text.split('\n')[0] ?? '' };
      } catch (error) {
        return { subject: `(not rendered: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
      }
    },
  });
  return { ...result, policy: { id: policy.id, version: policy.version, contentHash: policy.contentHash }, invoice };
}
