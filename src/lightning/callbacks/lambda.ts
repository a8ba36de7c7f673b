import { Callback } from './callback';

type Hooks = Partial<Omit<Callback, 'stateKey' | 'monitorsMetrics' | 'disabledByFastDevRun'>>;

/** A callback built from functions (Lightning's LambdaCallback): `new LambdaCallback({ onTrainEpochEnd: (t, m) => ... })`. */
export class LambdaCallback extends Callback {
  constructor(hooks: Hooks) {
    super();
    for (const [name, fn] of Object.entries(hooks)) {
      if (typeof fn !== 'function') throw new Error(`LambdaCallback: \`${name}\` must be a function`);
      if (!(name in Callback.prototype)) throw new Error(`LambdaCallback: \`${name}\` is not a Callback hook`);
      (this as unknown as Record<string, unknown>)[name] = fn;
    }
  }
}
