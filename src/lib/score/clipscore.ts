/**
 * CLIPScore arithmetic (Hessel et al. 2021): CLIP-S = w · max(cos(image, text), 0) with w = 2.5 and the
 * text "A photo depicts " + caption, embeddings from CLIP ViT-B/32. PickScore (Kirstain et al. 2023)
 * goes through the same code with PickScore_v1's weights: logit_scale · cos (logit_scale = exp of the
 * model's learned temperature, about 100). The embeddings come from transformers.js elsewhere; this module
 * is only the arithmetic.
 */

export const CLIPSCORE_WEIGHT = 2.5;
export const CLIPSCORE_PREFIX = 'A photo depicts ';

export class EmbeddingShapeError extends Error {
  override readonly name = 'EmbeddingShapeError';
}

export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) {
    throw new EmbeddingShapeError(`Embeddings of length ${a.length} and ${b.length} cannot be compared.`);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The text CLIPScore embeds for a caption. */
export function clipScoreText(caption: string): string {
  return CLIPSCORE_PREFIX + caption.trim();
}

export function clipScore(
  imageEmbedding: ArrayLike<number>,
  textEmbedding: ArrayLike<number>,
  weight = CLIPSCORE_WEIGHT,
): number {
  return weight * Math.max(cosineSimilarity(imageEmbedding, textEmbedding), 0);
}

/** PickScore_v1: logit_scale · cos (no clipping at 0, no prefix). */
export function pickScore(
  imageEmbedding: ArrayLike<number>,
  textEmbedding: ArrayLike<number>,
  logitScale: number,
): number {
  return logitScale * cosineSimilarity(imageEmbedding, textEmbedding);
}
