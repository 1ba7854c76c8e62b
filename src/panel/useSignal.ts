import { ISignal } from '@lumino/signaling';
import * as React from 'react';

/**
 * Renders again whenever `signal` emits, and follows a new signal when the prop changes.
 * (apputils' UseSignal connects only on mount: a panel that swaps its model kept listening
 * to the first model, and showed the others frozen.)
 */
export function useSignalRender(
  signal: ISignal<unknown, unknown> | null
): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    if (!signal) {
      return;
    }
    const slot = () => setTick(tick => tick + 1);
    signal.connect(slot);
    // The model may have changed between render and effect.
    setTick(tick => tick + 1);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}
