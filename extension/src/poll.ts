// When the tree fetches again by itself: fast right after an action (its state may not have moved yet), then only
// while something is transient. Pure, so the timing rules are unit-tested.

export const FAST_POLL_MS = 2000;
export const SLOW_POLL_MS = 5000;
/** How long after an action the tree polls even though nothing looks busy yet. */
export const GRACE_MS = 10_000;
/** How long an action keeps the fast pace while its compute stays transient. */
export const MAX_WATCH_MS = 15 * 60 * 1000;

export interface Watch {
  started: number;
  until: number;
}

export function startWatch(now: number): Watch {
  return { started: now, until: now + MAX_WATCH_MS };
}

/** The delay before the next fetch, or undefined to stop polling. */
export function nextPollDelay(now: number, watch: Watch | undefined, busy: boolean): number | undefined {
  const watching = !!watch && now < watch.until;
  const fresh = watching && now - (watch as Watch).started < GRACE_MS;
  if (!fresh && !busy) return undefined;
  return watching ? FAST_POLL_MS : SLOW_POLL_MS;
}
