export { RunsPanel } from './RunsPanel';
export { initRuns } from '../../store/runs';
