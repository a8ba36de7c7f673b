/**
 * Spec → `model.py`: a torch.nn network that computes what the spec's tfjs
 * model computes, and the map from each tfjs weight to its PyTorch name and
 * layout. Layer i of the spec is `layers.<i>` in both the studio's summary
 * and the torch module, so names can be traced across.
 *
 * Layout: images run NCHW in torch (the data module feeds NCHW); tensors of
 * other ranks keep tfjs's layout. Flatten and Reshape go through NHWC order
 * so the flattened features line up with tfjs's dense kernels.
 */
import { ACTIVATIONS, inferShapes, type ActivationName, type LayerSpec, type ModelSpec } from '../../models';
import { MODEL_PY_HELPERS } from './python-helpers';

/** How a tfjs weight is rearranged into PyTorch's layout. */
type WeightLayout = 'copy' | 'dense' | 'conv';

export interface WeightMapping {
  /** tfjs weight name as in model.json, e.g. `l0_dense/kernel`. */
  tf: string;
  /** PyTorch state_dict key, e.g. `layers.0.linear.weight`. */
  torch: string;
  layout: WeightLayout;
}

interface TorchNetwork {
  /** Source of model.py. */
  source: string;
  mappings: WeightMapping[];
}



function activation(name: ActivationName | undefined, where: string): string {
  const a = name ?? 'linear';
  // Only names from the fixed list reach the Python source, never free text.
  if (!ACTIVATIONS.includes(a)) throw new Error(`\`${where}.activation\` must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(a)}`);
  return JSON.stringify(a);
}

function posInt(value: unknown, where: string): string {
  if (!(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
    throw new Error(`\`${where}\` must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

function padding(value: unknown, where: string): string {
  if (value !== 'same' && value !== 'valid') throw new Error(`\`${where}.padding\` must be 'same' or 'valid', got ${JSON.stringify(value)}`);
  return JSON.stringify(value);
}

function bnMappings(tfPrefix: string, torchPrefix: string): WeightMapping[] {
  return [
    { tf: `${tfPrefix}/gamma`, torch: `${torchPrefix}.weight`, layout: 'copy' },
    { tf: `${tfPrefix}/beta`, torch: `${torchPrefix}.bias`, layout: 'copy' },
    { tf: `${tfPrefix}/moving_mean`, torch: `${torchPrefix}.running_mean`, layout: 'copy' },
    { tf: `${tfPrefix}/moving_variance`, torch: `${torchPrefix}.running_var`, layout: 'copy' },
  ];
}

/** One spec layer as a Python constructor call and its weights. */
function layerModule(l: LayerSpec, i: number, input: number[], output: number[]): { code: string; mappings: WeightMapping[] } {
  const tf = `l${i}_${l.kind}`;
  const t = `layers.${i}`;
  const where = `layers[${i}]`;
  const channels = input[input.length - 1]!;
  switch (l.kind) {
    case 'dense': {
      if (input.length !== 1) throw new Error(`\`${where}\` (Dense) needs a flat input, got [${input.join(', ')}]`);
      return {
        code: `Dense(${input[0]}, ${posInt(l.units, `${where}.units`)}, ${activation(l.activation, where)})`,
        mappings: [
          { tf: `${tf}/kernel`, torch: `${t}.linear.weight`, layout: 'dense' },
          { tf: `${tf}/bias`, torch: `${t}.linear.bias`, layout: 'copy' },
        ],
      };
    }
    case 'conv2d':
      return {
        code: `Conv(${channels}, ${posInt(l.filters, `${where}.filters`)}, ${posInt(l.kernelSize, `${where}.kernelSize`)}, ${posInt(l.strides, `${where}.strides`)}, ${padding(l.padding, where)}, ${activation(l.activation, where)})`,
        mappings: [
          { tf: `${tf}/kernel`, torch: `${t}.conv.weight`, layout: 'conv' },
          { tf: `${tf}/bias`, torch: `${t}.conv.bias`, layout: 'copy' },
        ],
      };
    case 'maxPool2d':
    case 'avgPool2d': {
      const size = posInt(l.poolSize, `${where}.poolSize`);
      const stride = posInt(l.strides ?? l.poolSize, `${where}.strides`);
      return { code: `Pool(${JSON.stringify(l.kind === 'maxPool2d' ? 'max' : 'avg')}, ${size}, ${stride}, ${padding(l.padding ?? 'valid', where)})`, mappings: [] };
    }
    case 'globalAvgPool2d':
      return { code: 'GlobalAvgPool()', mappings: [] };
    case 'flatten':
      return { code: 'FlattenNHWC()', mappings: [] };
    case 'dropout': {
      if (!(typeof l.rate === 'number' && l.rate >= 0 && l.rate < 1)) throw new Error(`\`${where}.rate\` must be a number in [0, 1), got ${JSON.stringify(l.rate)}`);
      return { code: `nn.Dropout(${String(l.rate)})`, mappings: [] };
    }
    case 'batchNorm': {
      if (input.length === 2) throw new Error(`\`${where}\` (BatchNorm) on a rank-2 tensor [${input.join(', ')}] cannot be exported to PyTorch`);
      // tfjs: epsilon 1e-3, moving = 0.99·moving + 0.01·batch, which is torch's momentum 0.01.
      const cls = input.length === 3 ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d';
      return { code: `${cls}(${channels}, eps=1e-3, momentum=0.01)`, mappings: bnMappings(tf, t) };
    }
    case 'activation':
      return { code: `make_activation(${activation(l.activation, where)}, dim=${input.length === 2 ? -1 : 1})`, mappings: [] };
    case 'reshape': {
      if (output.length > 3) throw new Error(`\`${where}.targetShape\` of rank ${output.length} cannot be exported to PyTorch (rank 1 to 3 only)`);
      return { code: `ReshapeNHWC((${output.map((d) => posInt(d, `${where}.targetShape`)).join(', ')},))`, mappings: [] };
    }
    case 'residualBlock': {
      const bn = l.batchNorm ?? true;
      const filters = Number(posInt(l.filters, `${where}.filters`));
      const strides = Number(posInt(l.strides, `${where}.strides`));
      const kernel = posInt(l.kernelSize ?? 3, `${where}.kernelSize`);
      const projected = strides !== 1 || channels !== filters;
      const mappings: WeightMapping[] = [];
      const conv = (name: string) => {
        mappings.push({ tf: `${tf}_${name}/kernel`, torch: `${t}.${name}.conv.weight`, layout: 'conv' });
        if (!bn) mappings.push({ tf: `${tf}_${name}/bias`, torch: `${t}.${name}.conv.bias`, layout: 'copy' });
      };
      const norm = (name: string) => {
        if (bn) mappings.push(...bnMappings(`${tf}_${name}`, `${t}.${name}`));
      };
      conv('conv1');
      norm('bn1');
      conv('conv2');
      norm('bn2');
      if (projected) {
        conv('proj');
        norm('proj_bn');
      }
      return { code: `ResidualBlock(${channels}, ${filters}, ${strides}, ${kernel}, batch_norm=${bn ? 'True' : 'False'})`, mappings };
    }
    default:
      throw new Error(`\`${where}.kind\` ${JSON.stringify((l as { kind: unknown }).kind)} cannot be exported to PyTorch`);
  }
}

/** Generates model.py for a spec on inputs of the given (tfjs, channels-last) shape. */
export function torchNetwork(spec: ModelSpec, inputShape: number[]): TorchNetwork {
  const report = inferShapes(spec.layers, inputShape);
  if (!report.ok) throw new Error(`The model cannot be exported: ${report.errors.map((e) => e.message).join('; ')}`);
  if (inputShape.length === 2) throw new Error(`\`inputShape\` must be [features] or [height, width, channels] to export to PyTorch, got [${inputShape.join(', ')}]`);
  const modules: string[] = [];
  const mappings: WeightMapping[] = [];
  report.layers.forEach((r, i) => {
    const m = layerModule(spec.layers[i]!, i, r.inputShape!, r.outputShape!);
    modules.push(`            ${m.code},  # layers.${i}: ${r.type} → [${r.outputShape!.join(', ')}]`);
    mappings.push(...m.mappings);
  });
  const torchInput = inputShape.length === 3 ? [inputShape[2]!, inputShape[0]!, inputShape[1]!] : inputShape;
  const source = `${MODEL_PY_HELPERS}

class Net(nn.Module):
    """The studio's model. layers.<i> is the spec's layer i, as in the studio's summary.

    Input: ${inputShape.length === 3 ? 'images as N × C × H × W (the data module feeds NCHW)' : 'rows as N × features'}.
    Output: raw values (logits for classifiers), as in the studio; the loss applies softmax/sigmoid.
    """

    # One example, in the order this network takes it (the studio's is [${inputShape.join(', ')}]).
    input_shape = (${torchInput.join(', ')},)

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList(
            [
${modules.join('\n')}
            ]
        )

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
`;
  return { source, mappings };
}
