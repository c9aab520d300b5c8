/**
 * The production renderer: loads the invoice's pinned policy version from the hash-locked catalog (refusing a
 * file whose content no longer matches the hash the invoice started with), builds the render context from the
 * invoice state and renders the step's Handlebars template, Reg F notices included where the profile needs them.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import { buildRenderContext } from '../dunning/catalog/render-context.js';
import { renderMessage } from '../dunning/catalog/templates.js';
import type { MessageRenderer } from './ports.js';

export function catalogRenderer(catalog: PolicyCatalog, templatesRoot: string): MessageRenderer {
  return async (request) => {
    let policy;
    try {
      policy = catalog.resolve(`${request.policy.id}@${request.policy.version}`);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(`policy ${request.policy.id}@${request.policy.version} cannot be loaded: ${(error as Error).message}`, 'PolicyUnavailable');
    }
    if (policy.contentHash !== request.policy.contentHash) {
      throw ApplicationFailure.nonRetryable(
        `policy ${policy.id} v${policy.version} on this worker has hash ${policy.contentHash}, but the invoice is pinned to ${request.policy.contentHash}: ` +
          'a published version was edited; restore it from git and publish the change as a new version',
        'PolicyHashMismatch',
      );
    }
    const step = policy.steps.find((s) => s.id === request.stepId);
    if (!step) throw ApplicationFailure.nonRetryable(`step ${request.stepId} is not in policy ${policy.id} v${policy.version}`, 'PolicyUnavailable');
    const context = {
      ...buildRenderContext(request.invoiceState, policy, step, request.now.toISOString()),
      otherInvoices: request.otherInvoices.map((i) => ({ number: i.externalId, currency: i.currency, balance: i.balanceMinor, dueDate: i.dueOn })),
    };
    try {
      const rendered = renderMessage({ templatesRoot, policy, channel: request.channel, template: request.template, context });
      return { text: rendered.text, ...(rendered.subject ? { subject: rendered.subject } : {}), ...(rendered.html ? { html: rendered.html } : {}) };
    } catch (error) {
      // A template that cannot render (missing file, SMS over the segment cap) will not render on retry either.
      throw ApplicationFailure.nonRetryable((error as Error).message, 'TemplateUnrenderable');
    }
  };
}
