/** Recognising Temporal client failures that mean "the service is down" rather than "your request is wrong". */
import { ServiceError } from '@temporalio/client';

/** gRPC status codes (grpc/status.h): stable numbers, so no dependency on grpc-js for two constants. */
const grpcUnavailable = 14;
const grpcDeadlineExceeded = 4;

export function isTemporalUnavailable(error: unknown): boolean {
  if (!(error instanceof ServiceError)) return false;
  const code = (error.cause as { code?: number } | undefined)?.code;
  return code === grpcUnavailable || code === grpcDeadlineExceeded;
}

/** PostgreSQL unreachable or restarting: connection refused/reset/closed, or the server shutting down. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    // Node socket errors, postgres.js connection errors, and SQLSTATE class 08 / 57P0x (admin shutdown, crash).
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT'].includes(code)) return true;
    if (/^08/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  }
  return false;
}
