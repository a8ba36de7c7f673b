import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromQuery, connectWorker, installTestApi, setRunDefaults } from './store';
import { App } from './ui/App';

setRunDefaults(configFromQuery(window.location.search));
installTestApi(window);
connectWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
