/** Temporal environments for tests: the run's shared dev server, or a private time-skipping server. */
import { inject } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalBinary, sdkExecutable } from '../../embedded/temporal-binaries.js';

/** The dev server started by global-setup. Real time; supports visibility queries and search attributes. */
export function connectDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({
    address: inject('temporalAddress'),
    namespace: inject('temporalNamespace'),
  });
}

/**
 * A time-skipping test server for this file: timers of months fire in milliseconds. Time is global to the
 * server, so the tests of one file share it serially (vitest's default inside a file).
 */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: sdkExecutable(resolveTemporalBinary('test-server')) },
  });
}

/** Unique per call, so tests sharing one server never collide on workflow ids or task queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
