// The hook dispatchers in call.ts: every hook call names the running hook, so `log` inside it is checked against it.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback } from '../callbacks/callback';
import type { LightningModule } from '../module';
import type { Optimizer } from '../optim/optimizer';
import { BoringModel, boringLoader, quietTrainer } from '../testing/boring';
import type { Trainer } from './trainer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('callbacks inside the gradient tape (callCallbacksSync)', () => {
  it('may log from onBeforeZeroGrad and onBeforeBackward, as in Lightning', async () => {
    class Logs extends Callback {
      override onBeforeZeroGrad(_t: Trainer, module: LightningModule, _o: Optimizer): void {
        module.log('cb_zero_grad', 1, { onEpoch: true });
      }
      override onBeforeBackward(_t: Trainer, module: LightningModule, loss: tf.Scalar): void {
        module.log('cb_loss', loss, { onEpoch: true });
      }
    }
    const trainer = quietTrainer({ maxEpochs: 1, callbacks: [new Logs()] });
    await trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) });
    expect(trainer.callbackMetrics.cb_zero_grad).toBe(1);
    expect(trainer.callbackMetrics.cb_loss_epoch).toBeGreaterThan(0);
  });

  it('names the hook, so a log that the hook does not allow is refused with its name', async () => {
    class StepOnly extends Callback {
      override onBeforeBackward(_t: Trainer, module: LightningModule): void {
        module.log('bad', 1, { onStep: false, onEpoch: false });
      }
    }
    const trainer = quietTrainer({ maxEpochs: 1, callbacks: [new StepOnly()] });
    await expect(trainer.fit(new BoringModel(), { trainDataloaders: boringLoader(4) })).rejects.toThrow(/`log\("bad"\)`: onStep and onEpoch/);
  });
});
