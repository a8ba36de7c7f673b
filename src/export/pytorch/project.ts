/**
 * The experiment as a small PyTorch Lightning project: the network, the
 * LightningModule, the data module, train.py (DDP-ready), the preprocessing
 * and the trained weights in PyTorch's layout, so training continues where
 * the browser stopped.
 */
import type { PreprocessingSpec } from '../../data';
import type { ModelSpec, RecipeSpec, Task } from '../../models';
import { textFile, type ModelFiles } from '../model-files';
import { markdownText } from '../text';
import { torchNetwork } from './network';
import { PREPROCESSING_PY } from './python-preprocessing';
import { DATAMODULE_PY, LIT_MODULE_PY, TRAIN_PY } from './python-training';
import { torchWeights, type NamedWeights } from './weights';

export interface PyTorchExportInput {
  spec: ModelSpec;
  /** One example, channels last, as in the studio: [features] or [height, width, channels]. */
  inputShape: number[];
  task: Task;
  numClasses?: number;
  preprocessing: PreprocessingSpec;
  /** Default: the spec's recipe. */
  recipe?: RecipeSpec;
  /** The trained weights by tfjs name (see `namedWeights`); without them train.py starts from scratch. */
  weights?: NamedWeights;
  dataset?: string;
  /** The fractions and seed of the studio's split (default 0.2 / 0.1, seed 42). */
  split?: { validation: number; test: number; seed: number };
  /**
   * The studio's exact split as row indices (table rows that have a target),
   * written to splits.json for tables; ignored for images, whose rows are in upload order.
   */
  splits?: { train: ArrayLike<number>; validation: ArrayLike<number>; test: ArrayLike<number> };
}

export const PYTORCH_FILES = ['model.py', 'preprocessing.py', 'datamodule.py', 'lit_module.py', 'train.py', 'requirements.txt', 'README.md', 'experiment.json', 'preprocessing.json'] as const;

const REQUIREMENTS = `torch>=1.13
lightning>=2.0
numpy>=1.22
Pillow>=9.0
`;

function readme(input: PyTorchExportInput, hasWeights: boolean): string {
  const data = input.preprocessing.kind === 'table' ? 'the CSV file' : 'the image folder (one subfolder per class, named as the classes)';
  const name = input.dataset ? markdownText(input.dataset) : 'your dataset';
  return `# Volt Studio experiment on ${name}, in PyTorch Lightning

The network, training recipe and preprocessing of a Volt Studio experiment,
${hasWeights ? 'with the weights trained in the browser, ' : ''}ready to continue on GPUs.

\`\`\`
pip install -r requirements.txt
python train.py DATA                 # DATA: ${data}
python train.py DATA --devices 4     # 4 GPUs, DistributedDataParallel (strategy="ddp")
python train.py DATA --num-nodes 2 --devices 8
\`\`\`

| file | what it holds |
|---|---|
| \`model.py\` | the network in \`torch.nn\` (\`Net\`); \`layers.<i>\` is the studio's layer i |
| \`lit_module.py\` | the \`LightningModule\`: loss, metrics, optimizer and LR schedule of the recipe |
| \`datamodule.py\` | the \`LightningDataModule\` reading ${data} |
| \`preprocessing.py\` | the studio's preprocessing, driven by \`preprocessing.json\` |
| \`train.py\` | \`Trainer(accelerator="auto", devices=..., strategy="ddp" for several devices)\` |
| \`experiment.json\` | the architecture spec, recipe, task and split |
${hasWeights ? '| `weights.bin`, `weights.json` | the trained weights, float32 little-endian, in PyTorch layout |\n' : ''}
## How it matches the browser

- Dense kernels are stored transposed (\`[out, in]\`), convolution kernels as \`[out, in, h, w]\`.
- Images run channels-first (N × C × H × W); Flatten reads them in the studio's channels-last order,
  so the first dense layer after it sees the features in the order it was trained with.
- "same" padding is TensorFlow's (the extra row or column goes at the bottom/right).
- Batch norm uses tfjs's epsilon 1e-3 and momentum 0.99 (PyTorch's \`momentum=0.01\`).
- The network outputs raw values (logits); the loss applies softmax or sigmoid.

Differences: the data split is a seeded shuffle${hasSplits(input) ? ' unless `splits.json` (the studio\'s own split) matches the data' : ''}${input.preprocessing.kind === 'image' ? ' (the studio\'s own split of an image folder follows the upload order, which the folder on disk does not keep)' : ''};
the studio's split is stratified for classification. Training ${hasWeights ? 'resumes from `weights.bin`; pass `--fresh` to start over' : 'starts from random weights'}.
Optimizer state (Adam moments) is not exported, so the first steps differ slightly from a browser resume.${input.preprocessing.kind === 'image' ? '\nThe studio\'s training-time augmentation (flips, shifts, rotations, brightness), if the model card lists one, is not part of this project: add torchvision transforms in `datamodule.py` to keep it.' : ''}
`;
}

function hasSplits(input: PyTorchExportInput): boolean {
  return input.splits !== undefined && input.preprocessing.kind === 'table';
}

/** The project's files, by name. */
export function exportPyTorchProject(input: PyTorchExportInput): ModelFiles {
  if (input.task !== 'classification' && input.task !== 'regression') {
    throw new Error(`\`task\` must be 'classification' or 'regression', got ${JSON.stringify(input.task)}`);
  }
  const network = torchNetwork(input.spec, input.inputShape);
  const recipe = input.recipe ?? input.spec.recipe;
  const files: ModelFiles = {
    'model.py': textFile(network.source),
    'preprocessing.py': textFile(PREPROCESSING_PY),
    'datamodule.py': textFile(DATAMODULE_PY),
    'lit_module.py': textFile(LIT_MODULE_PY),
    'train.py': textFile(TRAIN_PY),
    'requirements.txt': textFile(REQUIREMENTS),
    'preprocessing.json': textFile(JSON.stringify(input.preprocessing, null, 2)),
  };
  const experiment = {
    format: 'volt-experiment',
    version: 1,
    dataset: input.dataset ?? null,
    task: input.task,
    numClasses: input.task === 'classification' ? (input.numClasses ?? null) : null,
    inputShape: input.inputShape,
    spec: input.spec,
    recipe,
    split: input.split ?? { validation: 0.2, test: 0.1, seed: 42 },
  };
  files['experiment.json'] = textFile(JSON.stringify(experiment, null, 2));
  if (input.weights) {
    const { bin, manifest } = torchWeights(input.weights, network.mappings);
    files['weights.bin'] = bin;
    files['weights.json'] = textFile(JSON.stringify(manifest, null, 2));
  }
  // Only a table keeps the studio's row order on disk; image rows are in upload order
  // (zip or browser folder order), which datamodule.py's folder walk cannot recover.
  if (input.splits && hasSplits(input)) {
    const s = input.splits;
    const rows = s.train.length + s.validation.length + s.test.length;
    files['splits.json'] = textFile(JSON.stringify({ rows, train: Array.from(s.train), validation: Array.from(s.validation), test: Array.from(s.test) }));
  }
  files['README.md'] = textFile(readme(input, Boolean(input.weights)));
  return files;
}
