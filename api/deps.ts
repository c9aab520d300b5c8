/** What the API needs from the outside world; injected so tests run the same app against real servers. */
import type { Client } from '@temporalio/client';
import type { DatabaseHandle } from '../db/client.js';
import type { PolicyCatalog } from '../dunning/catalog/policy-catalog.js';
import type { ApiRole } from '../db/api-schema.js';
import type { Actor } from './services/audit.js';

export interface AppDeps {
  temporal: Client;
  database: DatabaseHandle;
  catalog: PolicyCatalog;
  /** Now; tests may pin it. Workflow time is Temporal's, not this. */
  clock: () => Date;
  /** Task queue new invoice workflows are started on. */
  taskQueue: string;
  /** Twilio status callbacks are verified with the account's auth token against the public URL Twilio called. */
  twilio?: { authToken: string; publicBaseUrl?: string };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route (admin always may). Absent together with `public` means no one. */
    roles?: readonly ApiRole[];
    /** No API key: health, metrics, docs and provider callbacks that carry their own signature. */
    public?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    deps: AppDeps;
  }
}
