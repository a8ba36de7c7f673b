/**
 * Output shape, parameter count and FLOPs of one layer, with the problems
 * that make it invalid. Pure arithmetic, no tfjs: these numbers must equal
 * what build.ts's tf model reports (tested), so the UI can show them live.
 *
 * FLOPs are per example for the forward pass, a multiply-add counting as 2.
 */
import {
  ACTIVATIONS,
  LAYER_TYPE_NAMES,
  formatShape,
  shapeSize,
  type LayerSpec,
  type Padding,
} from './spec';

interface FieldProblem {
  /** The layer field at fault, when one is. */
  field?: string;
  message: string;
}

interface LayerMath {
  /** null when the layer cannot run on its input. */
  output: number[] | null;
  params: number;
  trainableParams: number;
  flops: number;
  problems: FieldProblem[];
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const fmt = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

function requirePosInt(problems: FieldProblem[], field: string, value: unknown): boolean {
  if (isPosInt(value)) return true;
  problems.push({ field, message: `\`${field}\` must be a positive integer, got ${fmt(value)}` });
  return false;
}

function requirePadding(problems: FieldProblem[], value: unknown): value is Padding {
  if (value === 'same' || value === 'valid') return true;
  problems.push({ field: 'padding', message: `\`padding\` must be 'same' or 'valid', got ${fmt(value)}` });
  return false;
}

function requireActivation(problems: FieldProblem[], value: unknown, optional: boolean): void {
  if (optional && value === undefined) return;
  if (!ACTIVATIONS.includes(value as never)) {
    problems.push({ field: 'activation', message: `\`activation\` must be one of ${ACTIVATIONS.join(', ')}, got ${fmt(value)}` });
  }
}

/** The side a flat vector would have as a square one-channel image, or null. */
export function squareSide(size: number): number | null {
  const side = Math.round(Math.sqrt(size));
  return side * side === size ? side : null;
}

/** Message for a 2-D layer placed on an input that is not [height, width, channels]. */
function needsImage(type: string, input: number[]): string {
  if (input.length === 1) {
    const side = squareSide(input[0]!);
    const hint = side ? `add a Reshape before it (e.g. to [${side}, ${side}, 1])` : 'add a Reshape to [height, width, channels] before it';
    return `${type} needs an image input [height, width, channels], but its input is tabular ${formatShape(input)}; ${hint}`;
  }
  return `${type} needs an input [height, width, channels], got ${formatShape(input)}`;
}

/** Spatial output size of a window op, or a problem when the window does not fit. */
function windowOut(size: number, window: number, stride: number, padding: Padding): number | null {
  if (padding === 'same') return Math.ceil(size / stride);
  return size >= window ? Math.floor((size - window) / stride) + 1 : null;
}

interface ConvResult {
  output: number[] | null;
  params: number;
  flops: number;
}

function conv(input: number[], filters: number, kernel: number, stride: number, padding: Padding, bias: boolean): ConvResult {
  const [h, w, c] = input as [number, number, number];
  const oh = windowOut(h, kernel, stride, padding);
  const ow = windowOut(w, kernel, stride, padding);
  const params = kernel * kernel * c * filters + (bias ? filters : 0);
  if (oh === null || ow === null) return { output: null, params, flops: 0 };
  return { output: [oh, ow, filters], params, flops: 2 * kernel * kernel * c * filters * oh * ow };
}

const activationFlops = (activation: string | undefined, size: number) => (activation && activation !== 'linear' ? size : 0);

function empty(problems: FieldProblem[], params = 0, trainable = params): LayerMath {
  return { output: null, params, trainableParams: trainable, flops: 0, problems };
}

/** Shape arithmetic of one layer on an input of the given (per-example) shape. */
export function layerMath(spec: LayerSpec, input: number[]): LayerMath {
  const problems: FieldProblem[] = [];
  const type = LAYER_TYPE_NAMES[spec.kind] ?? spec.kind;
  const size = shapeSize(input);
  switch (spec.kind) {
    case 'dense': {
      const ok = requirePosInt(problems, 'units', spec.units);
      requireActivation(problems, spec.activation, true);
      if (input.length !== 1) {
        problems.push({ message: `Dense needs a flat input, got ${formatShape(input)}; add a Flatten or GlobalAvgPool2D before it` });
      }
      if (!ok || input.length !== 1) return empty(problems);
      const params = input[0]! * spec.units + spec.units;
      const out = [spec.units];
      return { output: problems.length ? null : out, params, trainableParams: params, flops: 2 * input[0]! * spec.units + activationFlops(spec.activation, spec.units), problems };
    }
    case 'conv2d': {
      const ok = [
        requirePosInt(problems, 'filters', spec.filters),
        requirePosInt(problems, 'kernelSize', spec.kernelSize),
        requirePosInt(problems, 'strides', spec.strides),
        requirePadding(problems, spec.padding),
      ].every(Boolean);
      requireActivation(problems, spec.activation, true);
      if (input.length !== 3) problems.push({ message: needsImage(type, input) });
      if (!ok || input.length !== 3) return empty(problems);
      const r = conv(input, spec.filters, spec.kernelSize, spec.strides, spec.padding, true);
      if (!r.output) {
        problems.push({
          field: 'kernelSize',
          message: `\`kernelSize\` ${spec.kernelSize} is larger than its input ${input[0]}×${input[1]} (padding 'valid'); use a smaller kernel or padding 'same'`,
        });
      }
      const flops = r.flops + activationFlops(spec.activation, r.output ? shapeSize(r.output) : 0);
      return { output: problems.length ? null : r.output, params: r.params, trainableParams: r.params, flops, problems };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const stride = spec.strides ?? spec.poolSize;
      const padding = spec.padding ?? 'valid';
      const ok = [
        requirePosInt(problems, 'poolSize', spec.poolSize),
        requirePosInt(problems, 'strides', stride),
        requirePadding(problems, padding),
      ].every(Boolean);
      if (input.length !== 3) problems.push({ message: needsImage(type, input) });
      if (!ok || input.length !== 3) return empty(problems);
      const [h, w, c] = input as [number, number, number];
      const oh = windowOut(h, spec.poolSize, stride, padding);
      const ow = windowOut(w, spec.poolSize, stride, padding);
      if (oh === null || ow === null) {
        problems.push({ field: 'poolSize', message: `\`poolSize\` ${spec.poolSize} is larger than its input ${h}×${w} (padding 'valid')` });
        return empty(problems);
      }
      return { output: problems.length ? null : [oh, ow, c], params: 0, trainableParams: 0, flops: spec.poolSize * spec.poolSize * oh * ow * c, problems };
    }
    case 'globalAvgPool2d': {
      if (input.length !== 3) return empty([{ message: needsImage(type, input) }]);
      return { output: [input[2]!], params: 0, trainableParams: 0, flops: size, problems };
    }
    case 'flatten':
      return { output: [size], params: 0, trainableParams: 0, flops: 0, problems };
    case 'dropout': {
      const r = spec.rate;
      if (typeof r !== 'number' || !(r >= 0 && r < 1)) {
        problems.push({ field: 'rate', message: `\`rate\` must be a number in [0, 1), got ${fmt(r)}` });
      }
      return { output: problems.length ? null : input.slice(), params: 0, trainableParams: 0, flops: 0, problems };
    }
    case 'batchNorm': {
      const c = input[input.length - 1]!;
      // gamma and beta train; the moving mean and variance do not.
      return { output: input.slice(), params: 4 * c, trainableParams: 2 * c, flops: 2 * size, problems };
    }
    case 'activation': {
      requireActivation(problems, spec.activation, false);
      return { output: problems.length ? null : input.slice(), params: 0, trainableParams: 0, flops: size, problems };
    }
    case 'reshape': {
      const t = spec.targetShape;
      if (!Array.isArray(t) || t.length === 0 || !t.every(isPosInt)) {
        return empty([{ field: 'targetShape', message: `\`targetShape\` must be a list of positive integers, got ${fmt(t)}` }]);
      }
      if (shapeSize(t) !== size) {
        return empty([{ field: 'targetShape', message: `\`targetShape\` ${fmt(t)} holds ${shapeSize(t)} values but its input ${formatShape(input)} has ${size}` }]);
      }
      return { output: t.slice(), params: 0, trainableParams: 0, flops: 0, problems };
    }
    case 'residualBlock':
      return residualMath(spec, input);
    default: {
      const kind = (spec as { kind: unknown }).kind;
      return empty([{ field: 'kind', message: `\`kind\` must be one of ${Object.keys(LAYER_TYPE_NAMES).join(', ')}, got ${fmt(kind)}` }]);
    }
  }
}

function residualMath(spec: Extract<LayerSpec, { kind: 'residualBlock' }>, input: number[]): LayerMath {
  const problems: FieldProblem[] = [];
  const kernel = spec.kernelSize ?? 3;
  const bn = spec.batchNorm ?? true;
  const ok = [
    requirePosInt(problems, 'filters', spec.filters),
    requirePosInt(problems, 'strides', spec.strides),
    requirePosInt(problems, 'kernelSize', kernel),
  ].every(Boolean);
  if (input.length !== 3) problems.push({ message: needsImage('ResidualBlock', input) });
  if (!ok || input.length !== 3) return empty(problems);
  const f = spec.filters;
  const a = conv(input, f, kernel, spec.strides, 'same', !bn);
  const b = conv(a.output!, f, kernel, 1, 'same', !bn);
  const out = b.output!;
  const outSize = shapeSize(out);
  const project = spec.strides !== 1 || input[2] !== f;
  const shortcut = project ? conv(input, f, 1, spec.strides, 'same', !bn) : { params: 0, flops: 0 };
  const bnCount = bn ? (project ? 3 : 2) : 0;
  const params = a.params + b.params + shortcut.params + bnCount * 4 * f;
  const trainable = params - bnCount * 2 * f;
  // conv, conv, shortcut, batch norms, relu, add, relu
  const flops = a.flops + b.flops + shortcut.flops + bnCount * 2 * outSize + 3 * outSize;
  return { output: out, params, trainableParams: trainable, flops, problems };
}
