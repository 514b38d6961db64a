/**
 * The template engine's textual gradient: one plain sentence per finding, most important first
 * (hallucinations, omissions, counts, relations), bounded in length by the caller.
 */
import type { Findings, Omission } from './critique';
import { countedCategory, displayName } from '../vocabulary/words';

function seenBy(o: Omission): string {
  const who = (o.sources ?? []).map((s) => (s === 'florence-od' ? 'Florence-2' : 'the detector'));
  const zooms = o.zoomLevels ?? [];
  const where =
    zooms.length === 0
      ? ''
      : ` ${zooms.includes(1) ? 'on the whole image' : 'in zoomed-in crops'}${
          zooms.filter((z) => z > 1).length > 0 && zooms.includes(1)
            ? ` and at ${zooms
                .filter((z) => z > 1)
                .map((z) => `${z}×${z}`)
                .join(', ')} zoom`
            : ''
        }`;
  return who.length > 0
    ? `${[...new Set(who)].join(' and ')} found ${o.count > 1 ? 'them' : 'it'}${where}`
    : 'the evidence shows it';
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

export function writeFeedback(caption: string, f: Findings): string {
  const lines: string[] = [];
  for (const h of f.hallucinations) {
    const why = h.reason
      ? lowerFirst(h.reason.replace(/\.$/, ''))
      : `nothing in the evidence shows a ${displayName(h.object)}`;
    lines.push(`Remove "${h.text}": ${why}.`);
  }
  for (const o of f.omissions) {
    lines.push(
      `Mention ${countedCategory(o.count, o.object)}: ${seenBy(o)}, and the caption leaves ${o.count > 1 ? 'them' : 'it'} out.`,
    );
  }
  for (const c of f.countMismatches) {
    const claimed = c.claimed === 'many' ? 'more than one' : String(c.claimed);
    lines.push(
      `Correct "${c.text}" to ${countedCategory(c.actual, c.object)}: the caption says ${claimed}, the evidence shows ${c.actual}.`,
    );
  }
  for (const r of f.relationMismatches) {
    const subject = `the ${displayName(r.subject)}`;
    const object = r.object ? ` the ${displayName(r.object)}` : '';
    const unary = r.observed === 'on the left' || r.observed === 'on the right';
    const shows = r.observed
      ? `the boxes show ${subject} ${r.observed}${unary ? '' : object}`
      : `the boxes do not support "${r.relation}"`;
    lines.push(`Fix "${r.text}": ${shows}.`);
  }
  if (lines.length === 0) return `"${caption}" agrees with the evidence; keep it as it is.`;
  return lines.join('\n');
}
