import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { StudioProvider } from './app/studio-context';
import { installTestHook } from './app/test-hook';
import { createBrowserStudio } from './state/browser-studio';
import './app/styles.css';

const studio = createBrowserStudio();
installTestHook(studio);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StudioProvider studio={studio}>
      <App />
    </StudioProvider>
  </StrictMode>,
);
