/**
 * The CHAIR synonym list, parsed: the one table the app, its workers, the Node tests and the benchmarks use.
 *
 * chair-synonyms.txt is `data/synonyms.txt` of LisaAnne/Hallucination, the list of the CHAIR hallucination
 * metric: A. Rohrbach, L. A. Hendricks, K. Burns, T. Darrell, K. Saenko, "Object Hallucination in Image
 * Captioning", EMNLP 2018 (arXiv:1809.02156). It ships with the code (Vite's `?raw` import inlines it in the
 * app and worker bundles; Vitest and vite-node read it the same way), so nothing fetches it at run time.
 */
import text from './chair-synonyms.txt?raw';
import { parseSynonyms, type SynonymTable } from './synonyms';

export const CHAIR_SYNONYMS: SynonymTable = parseSynonyms(text);
