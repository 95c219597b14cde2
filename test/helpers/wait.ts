// The one way tests wait for a state they cannot subscribe to: poll until it holds, and fail
// naming what never came. Events are better waited for directly (nextEvent, untilUpdated).

type Found<T> = Exclude<T, false | null | undefined>;

/**
 * Resolves with `check`'s first answer that is not false, null or undefined (so a probe may
 * return the value it found); rejects with `what` after `timeoutMs`.
 */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5000, everyMs = 10): Promise<Found<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false && value !== null && value !== undefined) return value as Found<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
