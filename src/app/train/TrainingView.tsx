import { useStudioState } from '../studio-context';
import './training.css';
import { BeforeAfter } from './BeforeAfter';
import { GroundTruthTable } from './GroundTruthTable';
import { CheckpointList } from './CheckpointList';
import { ExportPanel } from '../export/ExportPanel';
import { LossChart } from './LossChart';
import { RoundCharts } from './RoundCharts';
import { TrainControls } from './TrainControls';
import { TrainingSettingsForm } from './TrainingSettingsForm';

/** Fine-tuning: Train and its settings, the live charts, before/after, checkpoints, export. */
export function TrainingView() {
  const losses = useStudioState((s) => s.training.losses);
  const scores = useStudioState((s) => s.training.scores);
  const threshold = useStudioState((s) => s.training.settings.loop.complexityThreshold);
  return (
    <section className="panel training-view" aria-label="Fine-tuning" data-testid="training-view">
      <h2>Fine-tuning</h2>
      <TrainControls />
      <TrainingSettingsForm />
      <div className="charts">
        <LossChart losses={losses} />
        <RoundCharts scores={scores} threshold={threshold} />
      </div>
      <GroundTruthTable scores={scores} threshold={threshold} />
      <ExportPanel />
      <CheckpointList />
      <BeforeAfter />
    </section>
  );
}
