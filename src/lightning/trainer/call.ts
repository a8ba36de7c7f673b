import type { Callback, CallbackHook } from '../callbacks/callback';
import type { LightningModule } from '../module';
import type { LightningDataModule } from '../datamodule';
import type { Trainer } from './trainer';

/*
 * Every hook call goes through these functions (like Lightning's trainer/call.py),
 * so the order is defined in one place and `results.currentFx` always names the
 * running hook, which is what `log` validates against.
 */

type CbArgs<H extends CallbackHook> = Callback[H] extends (t: Trainer, m: LightningModule, ...rest: infer R) => unknown ? R : never;

/** Calls a hook on every callback (optionally only the metric-monitoring ones, or only the others). */
export async function callCallbacks<H extends CallbackHook>(
  trainer: Trainer,
  hook: H,
  args: CbArgs<H>,
  monitoring?: boolean,
): Promise<void> {
  const module = trainer.lightningModule;
  const prev = trainer.results.currentFx;
  trainer.results.currentFx = hook;
  try {
    for (const cb of trainer.callbacks) {
      if (monitoring !== undefined && cb.monitorsMetrics !== monitoring) continue;
      const fn = cb[hook] as (t: Trainer, m: LightningModule, ...a: unknown[]) => unknown;
      await fn.call(cb, trainer, module, ...(args as unknown[]));
    }
  } finally {
    trainer.results.currentFx = prev;
  }
}

/** Synchronous variant for hooks that run inside the gradient tape. */
export function callCallbacksSync<H extends CallbackHook>(trainer: Trainer, hook: H, args: CbArgs<H>): void {
  const module = trainer.lightningModule;
  const prev = trainer.results.currentFx;
  trainer.results.currentFx = hook;
  try {
    for (const cb of trainer.callbacks) {
      const fn = cb[hook] as (t: Trainer, m: LightningModule, ...a: unknown[]) => unknown;
      fn.call(cb, trainer, module, ...(args as unknown[]));
    }
  } finally {
    trainer.results.currentFx = prev;
  }
}

type ModuleHook = NonNullable<
  {
    [K in keyof LightningModule]-?: NonNullable<LightningModule[K]> extends (...args: never[]) => unknown ? K : never;
  }[keyof LightningModule]
>;

/** Calls a hook on the LightningModule and returns its result. */
export async function callModule<H extends ModuleHook>(
  trainer: Trainer,
  hook: H,
  ...args: Parameters<NonNullable<LightningModule[H]> extends (...a: infer P) => unknown ? (...a: P) => unknown : never>
): Promise<Awaited<ReturnType<NonNullable<LightningModule[H]> extends (...a: never[]) => infer R ? () => R : never>>> {
  const module = trainer.lightningModule;
  const fn = module[hook] as unknown as ((...a: unknown[]) => unknown) | undefined;
  const prev = trainer.results.currentFx;
  trainer.results.currentFx = hook;
  try {
    return (await fn?.apply(module, args)) as never;
  } finally {
    trainer.results.currentFx = prev;
  }
}

/** Synchronous module hook call (inside the gradient tape). */
export function callModuleSync(trainer: Trainer, hook: ModuleHook, ...args: unknown[]): unknown {
  const module = trainer.lightningModule;
  const fn = module[hook] as unknown as ((...a: unknown[]) => unknown) | undefined;
  const prev = trainer.results.currentFx;
  trainer.results.currentFx = hook;
  try {
    return fn?.apply(module, args);
  } finally {
    trainer.results.currentFx = prev;
  }
}

type DataModuleHook = 'prepareData' | 'setup' | 'teardown' | 'onException' | 'onSaveCheckpoint' | 'onLoadCheckpoint';

export async function callDataModule(trainer: Trainer, hook: DataModuleHook, ...args: unknown[]): Promise<void> {
  const dm: LightningDataModule | null = trainer.datamodule;
  if (!dm) return;
  const fn = dm[hook] as (...a: unknown[]) => unknown;
  await fn.apply(dm, args);
}
