// One teardown list for a running app: every step runs, in order, even when an earlier one fails (a
// failed start lets go of everything it took, not only what a hand-written list remembered), and the
// first failure is reported once all ran.
export type TeardownStep = () => Promise<unknown> | unknown;

export async function closeInOrder(steps: TeardownStep[]): Promise<void> {
  let first: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== null) throw first;
}
