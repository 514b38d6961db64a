/**
 * CLIPScore and PickScore of captions, through one code path: embed each image once and each distinct text
 * once, then apply the model's formula (clip-models.ts) with the arithmetic of clipscore.ts. The embeddings come
 * from an injected ClipEmbedder (transformers.js in clip-transformers.ts; anything in tests), so the arithmetic
 * is tested without a model and the model code without the arithmetic.
 */
import type { ScoreFormula } from './clip-models';
import { clipScore, cosineSimilarity, pickScore } from './clipscore';

/** Image and text embeddings from one CLIP-style model (projected, not necessarily normalized). */
export interface ClipEmbedder<Image> {
  readonly modelId: string;
  embedImages(images: readonly Image[]): Promise<Float32Array[]>;
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
}

/** The embedder returned another number of embeddings than inputs, or embeddings of unequal length. */
export class EmbedderOutputError extends Error {
  override readonly name = 'EmbedderOutputError';
}

export interface ScoreRequest<Image> {
  readonly image: Image;
  /** E.g. the original caption, the refined target, the tuned student's caption. */
  readonly captions: readonly string[];
}

export interface CaptionScore {
  /** The formula's value: CLIPScore in [0, w], or PickScore. */
  readonly score: number;
  /** cos(image, text) in [-1, 1]. */
  readonly cosine: number;
}

/** The text the formula embeds for a caption. */
export function scoredText(formula: ScoreFormula, caption: string): string {
  return formula.textPrefix + caption.trim();
}

async function checked(
  what: string,
  expected: number,
  embeddings: Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const out = await embeddings;
  if (out.length !== expected) {
    throw new EmbedderOutputError(`The ${what} model gave ${out.length} embeddings for ${expected} inputs.`);
  }
  return out;
}

/**
 * Scores every caption of every request: result[i][j] is request i's caption j. Texts are embedded in batches
 * of `batchSize` distinct texts, images in batches of `batchSize` too.
 */
export async function scoreCaptions<Image>(
  embedder: ClipEmbedder<Image>,
  requests: readonly ScoreRequest<Image>[],
  formula: ScoreFormula,
  options: { batchSize?: number } = {},
): Promise<CaptionScore[][]> {
  const batchSize = options.batchSize ?? 16;
  const imageEmbeddings: Float32Array[] = [];
  for (let i = 0; i < requests.length; i += batchSize) {
    const batch = requests.slice(i, i + batchSize).map((r) => r.image);
    imageEmbeddings.push(...(await checked('image', batch.length, embedder.embedImages(batch))));
  }
  const texts = [...new Set(requests.flatMap((r) => r.captions.map((c) => scoredText(formula, c))))];
  const textEmbeddings = new Map<string, Float32Array>();
  for (let i = 0; i < texts.length; i += batchSize) {
    const batch = texts.slice(i, i + batchSize);
    const out = await checked('text', batch.length, embedder.embedTexts(batch));
    batch.forEach((t, j) => textEmbeddings.set(t, out[j]!));
  }
  return requests.map((r, i) =>
    r.captions.map((caption) => {
      const image = imageEmbeddings[i]!;
      const text = textEmbeddings.get(scoredText(formula, caption))!;
      if (image.length !== text.length) {
        throw new EmbedderOutputError(
          `Image embeddings have ${image.length} values, text embeddings ${text.length}.`,
        );
      }
      const cosine = cosineSimilarity(image, text);
      const score =
        formula.metric === 'clipscore'
          ? clipScore(image, text, formula.weight)
          : pickScore(image, text, formula.logitScale);
      return { score, cosine };
    }),
  );
}
