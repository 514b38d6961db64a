import { useEffect, useState } from 'react';
import type { Evidence } from '../../lib/evidence/evidence';
import type { CaptionVersion } from '../../lib/critic/loop';
import type { CriticItem } from '../../lib/critic/records';
import { notBackedReason } from '../../lib/critic/records';
import type { CriticDetail as Detail } from '../../flows/critic/critic';
import { errorSummary } from '../../lib/core/errors';
import { useStudioState } from '../studio-context';
import { useCritic } from './use-critic';
import { EvidenceView } from './EvidenceView';
import { findingLines, mentionLines } from './finding-lines';
import { WordDiffView } from './WordDiffView';

function Findings({ version }: { version: CaptionVersion }) {
  const lines = findingLines(version.critique);
  return (
    <ul className="critique" data-testid="critique">
      {lines.length === 0 ? <li data-testid="critique-clean">Nothing to fix.</li> : null}
      {lines.map((line, i) => (
        <li key={i} data-testid="critique-finding" data-kind={line.kind}>
          {line.text}
        </li>
      ))}
    </ul>
  );
}

/** Every object the version mentions, with its verdict and the evidence behind it (text only). */
function Mentions({ version, evidence }: { version: CaptionVersion; evidence: Evidence | undefined }) {
  const lines = mentionLines(version.critique, evidence);
  if (lines.length === 0) return null;
  return (
    <ul className="mentions" data-testid="mentions" aria-label={`Mentions of version ${version.index}`}>
      {lines.map((line) => (
        <li
          key={line.object}
          data-testid="mention"
          data-verdict={line.verdict}
          data-object={line.object}
          className={`mention verdict-${line.verdict}`}
        >
          <span className="verdict-label" data-testid="mention-verdict">
            {line.label}
          </span>{' '}
          <span className="mention-text">{`"${line.text}" (${line.object})`}</span>:{' '}
          <span data-testid="mention-evidence">{line.evidence}</span>
        </li>
      ))}
    </ul>
  );
}

function Failures({ detail }: { detail: Detail }) {
  const r = detail.refinement?.refinement;
  if (r === undefined) return null;
  const failures = [
    ...r.versions.flatMap((v) => v.critique.members.flatMap((m) => (m.ok ? [] : [m.failure]))),
    ...r.failures,
  ];
  if (failures.length === 0) return null;
  return (
    <ul className="critic-failures" data-testid="critic-failures">
      {failures.map((f, i) => (
        <li key={i} data-testid="critic-failure" data-prompt={f.promptId} data-error-name={f.errorName ?? ''}>
          {f.engine} could not answer {f.promptId} after {f.attempts} attempt{f.attempts === 1 ? '' : 's'}:{' '}
          {f.problem}
        </li>
      ))}
    </ul>
  );
}

function Versions({
  versions,
  evidence,
}: {
  versions: readonly CaptionVersion[];
  evidence: Evidence | undefined;
}) {
  return (
    <ol className="versions" start={0}>
      {versions.map((v, i) => (
        <li key={v.index} data-testid="version" data-index={v.index} data-score={v.score.toFixed(4)}>
          <div className="version-head">
            <strong>Version {v.index}</strong> · score {v.score.toFixed(2)} · {v.critique.engine}
          </div>
          {i === 0 ? (
            <p className="version-caption">{v.caption}</p>
          ) : (
            <WordDiffView before={versions[i - 1]!.caption} after={v.caption} />
          )}
          <Findings version={v} />
          <Mentions version={v} evidence={evidence} />
          {v.feedback && (
            <p className="feedback" data-testid="feedback-text">
              Feedback: {v.feedback.text}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}

function DecisionBar({ item }: { item: CriticItem }) {
  const critic = useCritic();
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = (work: Promise<void>) =>
    void work.then(() => setError(null)).catch((e: unknown) => setError(errorSummary(e).message));
  return (
    <div className="decision" data-testid="critic-decision" data-decision={item.decision}>
      {item.target !== undefined && (
        <p className="target" data-testid="critic-target">
          Training target: {item.target}
        </p>
      )}
      {item.backed === false && item.decision !== 'edited' && (
        <p className="not-backed" data-testid="critic-not-backed">
          {notBackedReason(item)}{' '}
          {item.decision === 'accepted'
            ? 'Accepted, but not in the training set: edit the caption to train on it.'
            : 'Accepting it will not put it in the training set; an edit of yours will.'}
        </p>
      )}
      {editing === null ? (
        <div className="buttons">
          <button type="button" data-testid="critic-accept" onClick={() => act(critic.accept(item.imageId))}>
            Accept
          </button>
          <button
            type="button"
            data-testid="critic-edit"
            onClick={() => setEditing(item.target ?? item.refined ?? item.caption)}
          >
            Edit
          </button>
          <button type="button" data-testid="critic-reject" onClick={() => act(critic.reject(item.imageId))}>
            Reject
          </button>
        </div>
      ) : (
        <form
          className="edit-form"
          onSubmit={(event) => {
            event.preventDefault();
            act(critic.edit(item.imageId, editing).then(() => setEditing(null)));
          }}
        >
          <textarea
            data-testid="critic-edit-text"
            value={editing}
            rows={3}
            onChange={(e) => setEditing(e.currentTarget.value)}
          />
          <div className="buttons">
            <button type="submit" data-testid="critic-edit-save">
              Save as training target
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {error !== null && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** One image's evidence, critique, feedback and versions, and the person's decision on the refined caption. */
export function CriticDetail({ id }: { id: string }) {
  const critic = useCritic();
  const item = useStudioState((s) => s.critic.items[id]);
  const name = useStudioState((s) => s.cards[id]?.name ?? id);
  const [detail, setDetail] = useState<Detail | null>(null);
  const keys = `${item?.evidenceKey ?? ''}|${item?.refinementKey ?? ''}`;
  useEffect(() => {
    let live = true;
    void critic.detail(id).then((d) => live && setDetail(d));
    return () => {
      live = false;
    };
  }, [critic, id, keys]);
  if (item === undefined) return null;
  const evidence = detail?.evidence;
  const refinement = detail?.refinement?.refinement;
  return (
    <section
      className="panel critic-detail"
      data-testid="critic-detail"
      data-id={id}
      aria-label={`Critique of ${name}`}
    >
      <h2>{name}</h2>
      {item.error && (
        <p
          className="card-error"
          role="alert"
          data-testid="critic-item-error"
          data-error-name={item.error.name}
        >
          {item.error.message}
        </p>
      )}
      <div className="critic-detail-body">
        {evidence ? (
          <EvidenceView
            key={item.evidenceKey}
            imageId={id}
            evidence={evidence.evidence}
            crops={[...new Set(evidence.crops.map((c) => c.zoom))]}
          />
        ) : (
          <p className="muted">No evidence yet.</p>
        )}
        <div className="critic-text">
          {refinement ? (
            <Versions versions={refinement.versions} evidence={evidence?.evidence} />
          ) : (
            <p className="muted">Not critiqued yet.</p>
          )}
          {detail && <Failures detail={detail} />}
          {item.status === 'done' && <DecisionBar item={item} />}
        </div>
      </div>
    </section>
  );
}
