import { Context } from '@temporalio/activity';

/**
 * "Now" for an activity: the latest of the wall clock, the server's schedule time of this attempt and the
 * workflow's clock when it asked (`requestedAt`). In production the wall clock is always the latest. Under the
 * time-skipping test server, the server's clock runs months ahead of the wall clock, and send-window checks must
 * use the server's time, as the workflow does; a local activity has no server schedule time, hence `requestedAt`.
 */
export function activityNow(wallClock: () => Date = () => new Date(), requestedAt?: string): Date {
  const wall = new Date(Math.max(wallClock().getTime(), requestedAt ? Date.parse(requestedAt) : 0));
  let scheduled = 0;
  try {
    scheduled = Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    // called outside an activity (tests of the building blocks): wall clock only
  }
  return scheduled > wall.getTime() ? new Date(scheduled) : wall;
}
