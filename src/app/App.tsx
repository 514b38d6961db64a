import { CriticPanel } from './critic/CriticPanel';
import { CriticSettingsPanel } from './critic/CriticSettingsPanel';
import { CriticWorkspace } from './critic/CriticWorkspace';
import { DeviceBadge } from './DeviceBadge';
import { DropZone } from './ingest/DropZone';
import { ImageGrid } from './ingest/ImageGrid';
import { RunPanel } from './caption/RunPanel';
import { SettingsPanel } from './caption/SettingsPanel';
import { StorageBanner } from './StorageBanner';
import { StudentUnavailable } from './caption/StudentUnavailable';
import { TabOwnerBanner } from './TabOwnerBanner';
import { TrainingView } from './train/TrainingView';

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
