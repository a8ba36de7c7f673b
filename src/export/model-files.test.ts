import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSeeded, cnnSpec, mlpSpec, sampleInputs } from './fixtures/models';
import { MODEL_JSON, exportLayersModel, loadLayersModelFromFiles, readText, type ModelFiles } from './model-files';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** tfjs's own HTTP loader over a fake fetch: the path a browser takes with `tf.loadLayersModel(url)`. */
async function loadOverHttp(files: ModelFiles): Promise<tf.LayersModel> {
  const requested: string[] = [];
  const fetchFunc = async (input: RequestInfo | URL): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const name = url.replace('https://example.test/model/', '');
    requested.push(name);
    const body = files[name];
    return body ? new Response(body.slice(), { status: 200 }) : new Response('missing', { status: 404 });
  };
  const model = await tf.loadLayersModel(tf.io.http('https://example.test/model/model.json', { fetchFunc }));
  expect(requested[0]).toBe('model.json');
  return model;
}

async function predict(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return values;
}

describe('exportLayersModel', () => {
  it('writes model.json and one shard in the standard layout, loadable by tfjs over HTTP with identical predictions', async () => {
    const model = buildSeeded(mlpSpec(), [4]);
    const files = await exportLayersModel(model);
    expect(Object.keys(files).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const json = JSON.parse(readText(files[MODEL_JSON]!));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    const params = model.countParams();
    expect(files['group1-shard1of1.bin']!.byteLength).toBe(params * 4);

    const loaded = await loadOverHttp(files);
    const x = sampleInputs([4], 7);
    expect(await predict(loaded, x)).toEqual(await predict(model, x));
    tf.dispose([x]);
    loaded.dispose();
    model.dispose();
  });

  it('splits weights into shards of at most shardBytes that tfjs reassembles', async () => {
    const model = buildSeeded(cnnSpec(), [10, 10, 2]);
    const files = await exportLayersModel(model, { shardBytes: 1000 });
    const shards = Object.keys(files).filter((n) => n.endsWith('.bin'));
    const total = model.countParams() * 4;
    expect(shards).toHaveLength(Math.ceil(total / 1000));
    expect(shards).toContain(`group1-shard1of${shards.length}.bin`);
    for (const s of shards) expect(files[s]!.byteLength).toBeLessThanOrEqual(1000);

    const loaded = await loadOverHttp(files);
    const x = sampleInputs([10, 10, 2], 3);
    expect(await predict(loaded, x)).toEqual(await predict(model, x));
    x.dispose();
    loaded.dispose();
    model.dispose();
  });

  it('refuses a non-positive shard size, naming the option', async () => {
    const model = buildSeeded(mlpSpec(), [4]);
    await expect(exportLayersModel(model, { shardBytes: 0 })).rejects.toThrow('`shardBytes` must be a positive integer, got 0');
    model.dispose();
  });
});

describe('loadLayersModelFromFiles', () => {
  it('round-trips through memory', async () => {
    const model = buildSeeded(cnnSpec(), [10, 10, 2], 5);
    const loaded = await loadLayersModelFromFiles(await exportLayersModel(model));
    const x = sampleInputs([10, 10, 2], 4);
    expect(await predict(loaded, x)).toEqual(await predict(model, x));
    x.dispose();
    loaded.dispose();
    model.dispose();
  });

  it('names the missing file', async () => {
    const model = buildSeeded(mlpSpec(), [4]);
    const files = await exportLayersModel(model);
    model.dispose();
    const { [MODEL_JSON]: _json, ...shardsOnly } = files;
    await expect(loadLayersModelFromFiles(shardsOnly)).rejects.toThrow('`model.json` is missing; got "group1-shard1of1.bin"');
    const { 'group1-shard1of1.bin': _shard, ...jsonOnly } = files;
    await expect(loadLayersModelFromFiles(jsonOnly)).rejects.toThrow('weight shard `group1-shard1of1.bin` (listed in model.json) is missing');
    await expect(loadLayersModelFromFiles({ 'model.json': new TextEncoder().encode('{"format":"graph-model","modelTopology":{}}') })).rejects.toThrow(
      'must be a Layers model (format "layers-model"), got format "graph-model"',
    );
  });
});

describe('malformed model files are named, not failed inside tfjs', () => {
  it('a truncated shard, a manifest that is not a list, and a weight without a shape say what is wrong; nothing leaks', async () => {
    const model = buildSeeded(mlpSpec(), [4]);
    const files = await exportLayersModel(model);
    model.dispose();
    const shard = Object.keys(files).find((n) => n !== MODEL_JSON)!;
    const before = tf.memory().numTensors;
    await expect(loadLayersModelFromFiles({ ...files, [shard]: files[shard]!.slice(0, 10) })).rejects.toThrow(/the weights are 10 bytes but model\.json lists \d+ bytes/);
    const json = JSON.parse(readText(files[MODEL_JSON]!));
    const withJson = (j: unknown) => ({ ...files, [MODEL_JSON]: new TextEncoder().encode(JSON.stringify(j)) });
    await expect(loadLayersModelFromFiles(withJson({ ...json, weightsManifest: 5 }))).rejects.toThrow(/`weightsManifest` must be a list/);
    const noShape = structuredClone(json);
    delete noShape.weightsManifest[0].weights[0].shape;
    await expect(loadLayersModelFromFiles(withJson(noShape))).rejects.toThrow(/must have a `shape` of whole numbers/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
