/**
 * The committed per-category calibration of the studio's default evidence (FastestDet alone, zoom levels 1, 2,
 * 3), measured on COCO train photos by `npm run calibrate` (its `measuredOn` says on which). Read through a
 * validator: a table that does not have the expected shape is refused at load, not trusted field by field.
 */
import raw from './evidence-calibration.json';
import type { CategoryCalibration, EvidenceCalibration } from './calibration';

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

export function readCalibration(value: unknown): EvidenceCalibration {
  const v = value as Partial<EvidenceCalibration> | null;
  if (
    typeof v?.measuredOn !== 'string' ||
    !isCount(v.images) ||
    typeof v.categories !== 'object' ||
    !v.categories
  )
    throw new Error('The evidence calibration table has no measuredOn, images or categories.');
  const categories: Record<string, CategoryCalibration> = {};
  for (const [name, c] of Object.entries(v.categories as Record<string, Partial<CategoryCalibration>>)) {
    if (![c.present, c.named, c.salient, c.salientRight].every(isCount))
      throw new Error(`The evidence calibration of '${name}' is not four counts.`);
    if (c.named! > c.present! || c.salientRight! > c.salient!)
      throw new Error(`The evidence calibration of '${name}' counts more hits than cases.`);
    categories[name] = {
      present: c.present!,
      named: c.named!,
      salient: c.salient!,
      salientRight: c.salientRight!,
    };
  }
  return { measuredOn: v.measuredOn, images: v.images, categories };
}

export const COMMITTED_CALIBRATION: EvidenceCalibration = readCalibration(raw);
