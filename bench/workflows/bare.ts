/**
 * The baseline for `throughputRatio`: a workflow that does nothing, so its rate is what the dev server and the
 * SDK cost on this machine before any of Dunmore's own work (activities, PostgreSQL, SMTP, Twilio).
 */
export async function bareWorkflow(): Promise<void> {}
