/** Every workflow type the invoice worker registers. Workflow code is replayed: see ARCHITECTURE.md. */
export { invoiceWorkflow } from './invoice/invoice-workflow.js';
export { archiveSweep } from './archive/archive-sweep.js';
