import { DeviceBadge } from './DeviceBadge';
import { DropZone } from './DropZone';
import { ImageGrid } from './ImageGrid';
import { RunPanel } from './RunPanel';
import { SettingsPanel } from './SettingsPanel';
import { StorageBanner } from './StorageBanner';

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          CapGrad <span>Studio</span>
        </h1>
        <DeviceBadge />
      </header>
      <StorageBanner />
      <div className="layout">
        <main className="main">
          <DropZone />
          <ImageGrid />
        </main>
        <aside className="side">
          <RunPanel />
          <SettingsPanel />
        </aside>
      </div>
    </div>
  );
}
