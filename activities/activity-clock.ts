import { Context } from '@temporalio/activity';

/**
 * "Now" for an activity: the later of the wall clock and the server's schedule time of this attempt.
 * In production the wall clock is always later. Under the time-skipping test server, the server's clock runs
 * months ahead of the wall clock, and send-window checks must use the server's time, as the workflow does.
 */
export function activityNow(wallClock: () => Date = () => new Date()): Date {
  const wall = wallClock();
  let scheduled = 0;
  try {
    scheduled = Context.current().info.currentAttemptScheduledTimestampMs;
  } catch {
    // called outside an activity (tests of the building blocks): wall clock only
  }
  return scheduled > wall.getTime() ? new Date(scheduled) : wall;
}
