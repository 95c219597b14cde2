// One action at a time per section: which one is pending, then a toast with the result or the
// error in words.
import { useState } from 'preact/hooks';
import { errorWords } from '../../ui/errors.js';
import { notify } from '../../ui/toast.js';

export interface Runner {
  /** The key of the action under way, or null. */
  busy: string | null;
  /** Runs `work`; says `done` when it succeeds, the error in words when it fails. Answers whether it succeeded. */
  run: (key: string, work: () => Promise<unknown>, done: string) => Promise<boolean>;
}

export function useRunner(): Runner {
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (key: string, work: () => Promise<unknown>, done: string): Promise<boolean> => {
    setBusy(key);
    try {
      await work();
      notify(done, 'success');
      return true;
    } catch (err) {
      notify(errorWords(err), 'error');
      return false;
    } finally {
      setBusy(null);
    }
  };
  return { busy, run };
}
