/**
 * Every timeline entry also leaves the workflow through a sink, so the worker can log it (pino, with invoice
 * and workflow ids) and `dunmore start` can print a live feed. Sinks issue no commands and are not called
 * during replay, so they change nothing in the history.
 */
import type { Sinks } from '@temporalio/workflow';
import type { TimelineEntry } from './messages.js';

export interface DecisionSinks extends Sinks {
  decisions: {
    record(invoiceId: string, entry: TimelineEntry): void;
  };
}
