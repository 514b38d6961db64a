/**
 * The evidence's per-category recall and salient-object precision (src/lib/critic/calibration.ts) on COCO
 * folders, through the studio's own evidence path: what `npm run calibrate` writes and what the COCO bench
 * measures per configuration.
 */
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_TEACHER, evidenceReader } from './node-evidence';
import type { TeacherSettings } from '../../src/lib/evidence/teacher/types';
import { measureCalibration } from '../../src/lib/critic/calibration';
import type { CalibrationImage, EvidenceCalibration } from '../../src/lib/critic/calibration';
import { CHAIR_SYNONYMS } from '../../src/lib/vocabulary/chair-synonyms';
import { canonicalCategory } from '../../src/lib/score/student-scores';

interface CocoFolderJson {
  images: { id: number; file_name: string }[];
  annotations: { image_id: number; category_id: number }[];
  categories: { id: number; name: string }[];
}

export async function calibrate(
  folders: readonly string[],
  limit: number,
  teacher: TeacherSettings = DEFAULT_TEACHER,
  settingsName = "the studio's default zoom levels",
): Promise<EvidenceCalibration> {
  const read = await evidenceReader(teacher);
  const images: CalibrationImage[] = [];
  for (const dir of folders) {
    const coco = JSON.parse(readFileSync(join(dir, 'instances.json'), 'utf8')) as CocoFolderJson;
    const names = new Map(coco.categories.map((c) => [c.id, canonicalCategory(c.name, CHAIR_SYNONYMS)]));
    const present = new Map<number, Set<string>>();
    for (const a of coco.annotations) {
      const set = present.get(a.image_id) ?? new Set<string>();
      set.add(names.get(a.category_id)!);
      present.set(a.image_id, set);
    }
    const chosen = limit > 0 ? coco.images.slice(0, limit) : coco.images;
    const evidence = await read(
      chosen.map((im) => ({ id: String(im.id), path: join(dir, 'images', im.file_name) })),
    );
    for (const im of chosen)
      images.push({ present: present.get(im.id) ?? new Set(), evidence: evidence.get(String(im.id))! });
    process.stderr.write(`${dir}: ${chosen.length} images\n`);
  }
  const on = folders.map((d) => basename(resolve(d))).join(' + ');
  return measureCalibration(
    images,
    `${images.length} images of ${on}: the committed FastestDet, ${settingsName}, no Florence-2`,
  );
}
