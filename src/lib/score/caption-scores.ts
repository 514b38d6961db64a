/** Per-image scores of one caption. */
export interface CaptionScores {
  readonly critic?: number;
  /** CLIPScore (a CLIP model loaded for it). */
  readonly clip?: number;
  /** PickScore (PickScore_v1 or another model loaded for it): logit_scale · cos, not on CLIPScore's scale. */
  readonly pick?: number;
  /** CHAIR-i of this caption alone (hallucinated / mentioned COCO objects). */
  readonly chairI?: number;
}

/** COCO annotations imported for the studio's images: what CHAIR and recall are counted against. */
export interface CocoState {
  readonly fileName: string;
  /** By image id: the COCO id and the annotated categories. */
  readonly matches: Readonly<
    Record<string, { readonly cocoId: number; readonly objects: readonly string[] }>
  >;
  readonly annotatedImages: number;
  readonly unmatched: number;
  /** Where the category words come from: the CHAIR synonym list, or COCO's names alone. */
  readonly synonyms: 'chair-list' | 'category-names';
}
