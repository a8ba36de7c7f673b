/**
 * The bench page: the main thread only starts the worker, forwards its log
 * lines and counts long tasks, as the studio's UI thread would while the
 * worker trains.
 */
import type { RunPlan, RunReport } from '../src/types';
import type { WorkerMessage } from './protocol';

declare global {
  interface Window {
    runBench: (plan: RunPlan) => Promise<RunReport>;
  }
}

const logEl = document.getElementById('log')!;

window.runBench = (plan: RunPlan) =>
  new Promise<RunReport>((resolve, reject) => {
    let longTasks = 0;
    const observer = new PerformanceObserver((list) => {
      longTasks += list.getEntries().length;
    });
    observer.observe({ type: 'longtask' });
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
      const msg = ev.data;
      if (msg.type === 'log') {
        console.log(msg.text);
        logEl.textContent += msg.text + '\n';
      } else if (msg.type === 'done') {
        observer.disconnect();
        worker.terminate();
        resolve({ ...msg.report, longTasks });
      } else {
        observer.disconnect();
        worker.terminate();
        reject(new Error(msg.error));
      }
    };
    worker.onerror = (ev) => reject(new Error(`worker error: ${ev.message}`));
    worker.postMessage(plan);
  });
