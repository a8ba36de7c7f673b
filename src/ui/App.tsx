import { LossChart } from './charts/LossChart';
import { LogView } from './LogView';
import { TrainPanel } from './train/TrainPanel';
import './app.css';

export function App() {
  return (
    <div className="app">
      <header className="top">
        <h1>Volt Studio</h1>
        <p className="muted">Train a neural network on your own GPU, in the browser.</p>
      </header>
      <main className="layout">
        <TrainPanel />
        <section className="panel">
          <LossChart />
        </section>
        <LogView />
      </main>
    </div>
  );
}
