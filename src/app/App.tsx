import { CriticPanel } from './critic/CriticPanel';
import { CriticSettingsPanel } from './critic/CriticSettingsPanel';
import { CriticWorkspace } from './critic/CriticWorkspace';
import { DeviceBadge } from './DeviceBadge';
import { DropZone } from './DropZone';
import { ImageGrid } from './ImageGrid';
import { RunPanel } from './RunPanel';
import { SettingsPanel } from './SettingsPanel';
import { StorageBanner } from './StorageBanner';
import { StudentUnavailable } from './StudentUnavailable';
import { TabOwnerBanner } from './TabOwnerBanner';
import { TrainingView } from './training/TrainingView';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          CapGrad <span>Studio</span>
        </h1>
        <DeviceBadge />
      </header>
      <TabOwnerBanner />
      <StorageBanner />
      <div className="layout">
        <main className="main">
          <DropZone />
          <StudentUnavailable />
          <ImageGrid />
          <CriticWorkspace />
          <TrainingView />
        </main>
        <aside className="side">
          <RunPanel />
          <SettingsPanel />
          <CriticPanel />
          <CriticSettingsPanel />
        </aside>
      </div>
    </div>
  );
}
