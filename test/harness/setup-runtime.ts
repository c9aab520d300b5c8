import { DefaultLogger, Runtime } from '@temporalio/worker';

// Runtime.install may run once per process; vitest's forks pool gives each test file its own process.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}
