/**
 * `node scripts/scenes-exclusions.mjs OUT.json BENCH.json [BENCH2.json …]`
 *
 * Writes the list of background photos to leave out of the scenes (src/lib/scenes/data/excluded-backgrounds.json)
 * from one or more outputs of `npm run bench -- scenes-detector --only empty` made on `--probe` folders with
 * `--all-backgrounds`: a photo is excluded when the studio's default evidence saw any object on any of its
 * measured crops (each seed draws another sub-square, flip and colour jitter of the photo's object-free square).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error('usage: node scripts/scenes-exclusions.mjs OUT.json BENCH.json [BENCH2.json …]');
  process.exit(2);
}
const excluded = new Set();
const measured = new Set();
const runs = [];
for (const file of inputs) {
  const bench = JSON.parse(readFileSync(file, 'utf8'));
  const scenes = bench?.empty?.scenesList;
  if (!Array.isArray(scenes)) {
    console.error(`${file}: not a scenes-detector output with empty.scenesList (run it with --only empty).`);
    process.exit(2);
  }
  for (const s of scenes) {
    measured.add(s.background);
    if (s.labels.length > 0) excluded.add(s.background);
  }
  runs.push({
    file: basename(file),
    scenes: scenes.length,
    falseObjectsPerScene: bench.empty.falseObjectsPerScene,
  });
}
const backgrounds = [...excluded].sort();
writeFileSync(
  out,
  JSON.stringify(
    {
      about:
        'Background photos (dataset:imageId) on whose object-free square the studio default evidence ' +
        '(FastestDet, zoom 1-3, buildEvidence) reported an object in at least one measured crop. ' +
        'Made by scripts/scenes-exclusions.mjs; src/lib/scenes/README.md has the commands.',
      measuredPhotos: measured.size,
      runs,
      backgrounds,
    },
    null,
    2,
  ) + '\n',
);
console.log(`${backgrounds.length} of ${measured.size} photos excluded → ${out}`);
