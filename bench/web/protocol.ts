import type { RunReport } from '../src/types';

export type WorkerMessage = { type: 'log'; text: string } | { type: 'done'; report: RunReport } | { type: 'error'; error: string };
