/** Task queue names, shared by the worker (which polls) and the clients (which start workflows). */
export const invoiceTaskQueue = 'dunmore-invoices';
