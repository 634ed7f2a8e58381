import * as E from 'fp-ts/lib/Either.js';
import type { Container } from 'inversify';
import type { Logger as Pino } from 'pino';

import { ReconcilePendingCreates } from '../application/reconcile/reconcile-pending-creates.js';

export interface RunningReconciler {
  /** Runs one pass now (tests, drills); resolves when it is done. */
  runNow(): Promise<void>;
  /** No new pass starts; resolves once the pass under way, if any, is over. */
  stop(): Promise<void>;
}

/**
 * Follows up creates that never settled, every `intervalMs` (give or take a fifth, so that
 * instances started together do not all query at once). Every instance runs one: the journal hands
 * each pending create to one of them at a time. A failed pass (the store away) is logged and the
 * next one tries again.
 */
export function startReconciler(container: Container, intervalMs: number, logger: Pino): RunningReconciler {
  const reconcile = container.get(ReconcilePendingCreates);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const pass = async (): Promise<void> => {
    const report = await reconcile.runOnce()();
    if (E.isLeft(report)) {
      logger.warn({ reason: report.left.message }, 'reconciler pass failed; the next one tries again');
      return;
    }
    if (report.right.taken > 0) logger.info({ ...report.right }, 'reconciler followed up pending creates');
  };
  const runNow = (): Promise<void> => {
    running ??= pass()
      .catch((defect: unknown) => logger.error({ err: defect }, 'reconciler pass failed unexpectedly'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const schedule = (): void => {
    if (stopped) return;
    const jittered = intervalMs * (0.8 + Math.random() * 0.4);
    timer = setTimeout(() => {
      void runNow().then(schedule);
    }, jittered);
    // A pending pass must not keep a stopping process alive.
    timer.unref();
  };
  schedule();

  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
