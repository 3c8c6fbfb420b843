// One shared "now" that ticks every 30 s, so relative times stay fresh without a timer per row.
import { create } from 'zustand';

export const useNow = create<{ now: number }>(() => ({ now: Date.now() }));

let timer: ReturnType<typeof setInterval> | null = null;

export function startClock(intervalMs = 30_000): () => void {
  timer ??= setInterval(() => useNow.setState({ now: Date.now() }), intervalMs);
  return () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
}
