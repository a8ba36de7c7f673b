import { callCallbacks, callModule } from '../trainer/call';
import { applyLimit } from '../trainer/options';
import { updateLearningRates } from '../trainer/optimizers';
import type { Trainer } from '../trainer/trainer';
import { countBatches } from './batch';
import { FitProgress } from './progress';
import { TrainingEpochLoop } from './training-epoch-loop';

/**
 * Lightning's _FitLoop: the sanity check, then epochs until `done`. It owns
 * the fit's position (`progress`, what checkpoints save) and the stage
 * transitions of fit: 'sanity_check' for the sanity check, then 'train' (the
 * validation loop inside an epoch puts 'train' back when it ends).
 */
export class FitLoop {
  readonly progress = new FitProgress();
  readonly epochLoop: TrainingEpochLoop;
  private hasVal = false;

  constructor(private readonly trainer: Trainer) {
    this.epochLoop = new TrainingEpochLoop(trainer, this);
  }

  /** Lightning's _FitLoop.done: limits reached, or a stop request once minEpochs/minSteps are met. */
  get done(): boolean {
    const trainer = this.trainer;
    const { epoch, steps } = this.progress;
    if (trainer.numTrainingBatches === 0) return true;
    if (trainer.maxSteps !== -1 && steps >= trainer.maxSteps) return true;
    if (trainer.maxEpochs !== -1 && epoch >= trainer.maxEpochs) return true;
    if (trainer.shouldStop) {
      const { minEpochs = 0, minSteps = 0 } = trainer.options;
      if (epoch < minEpochs || steps < minSteps) {
        trainer.print(`Trainer was signaled to stop but the required minEpochs=${minEpochs} or minSteps=${minSteps} has not been met. Training will continue...`);
        trainer.shouldStop = false;
        return false;
      }
      return true;
    }
    return false;
  }

  /** Runs fit after the Trainer has counted the training batches and configured the optimizers. */
  async run(): Promise<void> {
    const trainer = this.trainer;
    this.setup();
    await this.sanityCheck();
    trainer.state.stage = 'train';
    if (trainer.numTrainingBatches === 0) return; // limitTrainBatches=0: Lightning skips training.
    trainer.lightningModule.train();
    await callCallbacks(trainer, 'onTrainStart', []);
    await callModule(trainer, 'onTrainStart');
    while (!this.done) await this.advance();
    await callCallbacks(trainer, 'onTrainEnd', []);
    await callModule(trainer, 'onTrainEnd');
  }

  /** One epoch, then its end. */
  private async advance(): Promise<void> {
    await this.epochLoop.run();
    await this.onAdvanceEnd();
  }

  private setup(): void {
    const trainer = this.trainer;
    const p = this.progress;
    // A restored checkpoint continues mid-epoch; any other fit starts its first epoch from the beginning.
    if (!p.restarting) p.batchesDone = 0;
    p.restarting = false;
    p.stepPending = false;
    trainer.numValBatches = trainer.valDataloaders.map((v) => countBatches(trainer, v.length, trainer.options.limitValBatches, 'limitValBatches', applyLimit));
    this.hasVal = typeof trainer.lightningModule.validationStep === 'function' && trainer.numValBatches.some((n) => n > 0);
    this.epochLoop.setup(this.hasVal);
  }

  /** A few validation batches before training, results discarded. */
  private async sanityCheck(): Promise<void> {
    const trainer = this.trainer;
    const steps = trainer.fastDevRunBatches > 0 ? 0 : (trainer.options.numSanityValSteps ?? 2);
    if (!this.hasVal || steps === 0) return;
    trainer.numSanityValBatches = trainer.numValBatches.map((n) => (steps === -1 ? n : Math.min(n, steps)));
    trainer.state.stage = 'sanity_check';
    await callCallbacks(trainer, 'onSanityCheckStart', []);
    await callModule(trainer, 'onSanityCheckStart');
    await this.epochLoop.valLoop.run({ sanity: true });
    await callCallbacks(trainer, 'onSanityCheckEnd', []);
    await callModule(trainer, 'onSanityCheckEnd');
    trainer.callbackMetrics = {};
    trainer.progressBarMetrics = {};
  }

  /** Epoch end in Lightning's order: other callbacks, the module, then metric-monitoring callbacks; then log and epoch schedulers. */
  private async onAdvanceEnd(): Promise<void> {
    const trainer = this.trainer;
    const results = trainer.results;
    const train = results.collections.train;
    await results.flush();
    const refresh = async () => {
      const v = await train.computeEpoch();
      Object.assign(trainer.callbackMetrics, v.callback);
      Object.assign(trainer.progressBarMetrics, v.progBar);
      return v;
    };
    await refresh();
    await callCallbacks(trainer, 'onTrainEpochEnd', [], false);
    await callModule(trainer, 'onTrainEpochEnd');
    const values = await refresh();
    await callCallbacks(trainer, 'onTrainEpochEnd', [], true);
    if (Object.keys(values.logged).length > 0) trainer.logMetrics(values.logged, Math.max(0, this.progress.batchesThatStepped - 1));
    train.reset();
    await updateLearningRates(trainer, 'epoch', true, this.progress.epoch);
    this.progress.epoch += 1;
    this.progress.batchesDone = 0;
  }
}
