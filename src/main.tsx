import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { StudioProvider } from './app/studio-context';
import { installTestHook } from './app/test-hook';
import { installTrainingTestHook } from './app/train/test-hook';
import { TrainingProvider } from './app/train/training-context';
import { createBrowserStudio } from './flows/browser-studio';
import './app/styles.css';

const studio = createBrowserStudio();
installTestHook(studio);
installTrainingTestHook(studio, studio.training);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StudioProvider studio={studio}>
      <TrainingProvider actions={studio.training}>
        <App />
      </TrainingProvider>
    </StudioProvider>
  </StrictMode>,
);
