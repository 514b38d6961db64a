import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { StudioProvider } from './app/studio-context';
import { installTestHook } from './app/test-hook';
import { installTrainingTestHook } from './app/train/test-hook';
import { TrainingProvider } from './app/train/training-context';
import { wireBrowserStudio } from './flows/wiring';
import './app/styles.css';

const { studio, critic, training } = wireBrowserStudio();
installTestHook(studio);
installTrainingTestHook(studio, training);

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <StudioProvider studio={studio} critic={critic}>
      <TrainingProvider actions={training}>
        <App />
      </TrainingProvider>
    </StudioProvider>
  </StrictMode>,
);
