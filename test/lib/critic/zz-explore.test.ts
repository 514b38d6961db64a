import { it } from 'vitest';
import { checkCaption } from '../../../src/lib/critic/rules';
import { scoreFindings } from '../../../src/lib/critic/critique';
import { rewriteCaption } from '../../../src/lib/critic/rewrite';
import { writeFeedback } from '../../../src/lib/critic/feedback';
import { fixtureEvidence, table } from './helpers/florence-fixtures';
const cases: [any, string][] = [
  ['coco_val2017_000000039769', 'A dog lying on a couch next to a remote.'],
  ['coco_val2017_000000039769', 'Two cats lying on a pink couch with two remote controls.'],
  ['coco_val2017_000000039769', 'A cat sleeping on a couch.'],
  ['coco_val2017_000000039769', 'A cat to the right of a remote on a couch.'],
  ['coco_val2017_000000000139', 'A living room with a television and a dog on a couch.'],
  ['coco_val2017_000000000139', 'A living room with a television, a dining table and chairs.'],
  ['coco_val2017_000000000724', 'A stop sign on a pole next to a red car.'],
  ['coco_val2017_000000000724', 'A stop sign on the right of a street.'],
  ['coco_val2014_000000562207', 'A man riding an elephant in a river with a dog.'],
  ['coco_val2014_000000562207', 'Two people standing next to an elephant.'],
  ['coco_val2014_000000562207', 'An elephant to the left of a woman.'],
  ['coco_val2014_000000579664', 'A bunch of bananas and an apple on a table.'],
  ['coco_val2014_000000354533', 'A motorcycle parked in a field with sheep in the background.'],
  ['coco_val2014_000000354533', 'A horse standing in a field.'],
];
it('explore', () => {
  for (const [stem, cap] of cases) {
    const e = fixtureEvidence(stem);
    const f = checkCaption(cap, e, table);
    console.log(`\n### ${stem} | ${cap}\n score ${scoreFindings(f).toFixed(3)}`);
    console.log(' M', f.mentions.map((m) => `${m.object}:${m.grounded ? m.support.join('+') : 'NO'}`).join(' '));
    console.log(' H', f.hallucinations.map((h) => h.object).join(','), '| O', f.omissions.map((o) => `${o.count}x${o.object}`).join(','), '| C', JSON.stringify(f.countMismatches.map((c) => [c.object, c.claimed, c.actual])), '| R', JSON.stringify(f.relationMismatches));
    console.log(' FB', writeFeedback(cap, f).replace(/\n/g, ' / '));
    console.log(' RW', rewriteCaption(cap, f, table));
  }
});
