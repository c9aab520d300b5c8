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
