import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromQuery, connectWorker, defaultDataset, installTestApi, loadBuiltin, readModelFromUrl, setRunDefaults } from './store';
import { App } from './ui/App';

setRunDefaults(configFromQuery(window.location.search));
installTestApi(window);
readModelFromUrl(window.location.search);
connectWorker();
// Nothing chosen yet: load MNIST (or the URL's `dataset`) so Train works at once.
void loadBuiltin({ name: defaultDataset() });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
