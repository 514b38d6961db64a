import type { CriticEngine } from '../../lib/critic/engines/engine';
import { OpenAIEngine } from '../../lib/critic/engines/openai';
import { TemplateEngine } from '../../lib/critic/engines/template';
import { TransformersEngine } from '../../lib/critic/engines/transformers';
import type { SynonymTable } from '../../lib/vocabulary/synonyms';
import type { TeacherPort } from './ports';
import type { CriticState } from '../../state/slices/critic';

export class CriticSettingsError extends Error {
  override readonly name = 'CriticSettingsError';
}

/** The critic engine the settings ask for, with what else changes its replies (part of the cache keys). */
export async function engineFromSettings(
  critic: Pick<CriticState, 'settings' | 'apiKey'>,
  table: SynonymTable,
  teacher: TeacherPort,
): Promise<{ engine: CriticEngine; revision: string }> {
  const s = critic.settings;
  switch (s.engine) {
    case 'template':
      return { engine: new TemplateEngine(table), revision: 'main' };
    case 'openai': {
      const baseUrl = s.openai.baseUrl.trim();
      if (!/^https?:\/\//.test(baseUrl)) {
        throw new CriticSettingsError(`The endpoint "${baseUrl}" is not an http(s) URL.`);
      }
      const engine = new OpenAIEngine({ baseUrl, model: s.openai.model.trim(), apiKey: critic.apiKey });
      // Replies depend on the server, not on the key: the key never goes into a cache key.
      return { engine, revision: baseUrl };
    }
    case 'transformers': {
      const modelId = s.transformersModelId.trim();
      if (modelId === '') throw new CriticSettingsError('Give the id of a text-generation model.');
      const generate = await teacher.textModel(modelId);
      return { engine: new TransformersEngine(generate, modelId), revision: 'main' };
    }
  }
}
