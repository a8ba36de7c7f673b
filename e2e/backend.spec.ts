import { expect, mean, test } from './fixtures';

test('trains on the best backend, says which and why others were skipped, and the loss goes down', async ({ studio }, info) => {
  await studio.open('?maxSteps=40&maxEpochs=5');
  await test.step('start a run of 40 steps', async () => {
    await studio.button('start').click();
    await studio.waitForStatus('finished');
  });

  await test.step('the backend is shown with the reasons', async () => {
    const text = (await studio.backend.textContent()) ?? '';
    const chosen = await studio.page.evaluate(() => window.__volt.backend);
    expect(text.startsWith(chosen ?? '?')).toBe(true);
    if (info.project.name === 'webgpu') {
      expect(chosen).toBe('webgpu');
      await expect(studio.backend).toHaveText(/^webgpu \(google swiftshader\)/);
      const adapter = (await studio.state('backend'))?.adapter;
      expect(adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader' });
    } else {
      // No WebGPU adapter without --enable-unsafe-webgpu: the next backend trains, and the page says why.
      expect(chosen).not.toBe('webgpu');
      expect(['webgl', 'wasm', 'cpu']).toContain(chosen);
      await expect(studio.backend).toHaveText(/skipped webgpu: (no navigator\.gpu|no WebGPU adapter)/);
    }
  });

  await test.step('every step was logged and the loss fell', async () => {
    const loss = await studio.series('train_loss');
    expect(loss.map((p) => p.step)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const values = loss.map((p) => p.value);
    expect(mean(values.slice(-10))).toBeLessThan(0.8 * mean(values.slice(0, 5)));
    const shown = Number(await studio.page.getByTestId('metrics.train_loss').textContent());
    expect(shown).toBeCloseTo(values.at(-1)!, 3);
    await expect(studio.page.getByTestId('metrics.val_loss')).toHaveText(/^\d/);
  });
});

test('a forced backend is used as chosen', async ({ studio }) => {
  await studio.open('?maxSteps=10&maxEpochs=1');
  await studio.page.getByTestId('train.accelerator').selectOption('cpu');
  await studio.button('start').click();
  await studio.waitForStatus('finished');
  await expect(studio.backend).toHaveText(/^cpu$/);
});
