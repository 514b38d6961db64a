/**
 * pattern.en's `singularize` (pattern 3.6, pattern/text/en/inflect.py; BSD-3-Clause, CLiPS), the noun rules
 * only, ported line for line because CHAIR's reference code (LisaAnne/Hallucination utils/chair.py) passes
 * every caption token through it before looking the token up: its mistakes decide which objects the
 * reference finds. Hand-written on purpose: no npm inflection package reproduces them, and they are the
 * point ("bus" → "bu", "ties" → "ty", "glass" → "glas", "canoes" → "cano", "tennis" → "tenni"; "doggies" and
 * "collies" come back unchanged because the "-ie" list returns the plural it matched; "four" → "fmy"
 * because "our" → "my" is an irregular plural matched as a suffix). `src/lib/vocabulary/words.ts` has the
 * project's own, sensible singular forms; use this file only to reproduce the reference.
 *
 * Faithfulness notes: Python's `re.sub` replaces every match, but each rule is anchored, so one replacement
 * is the same; an unmatched group becomes '' in both languages. The irregular-plural table is iterated in
 * insertion order here and in hash order on the reference's Python 2, which cannot matter: no key is a
 * suffix of another, so at most one key matches a word. The parity fixture (tools/make_chair_parity.py)
 * checks the port against PatternLite 3.6, whose inflect.py singularize is pattern 3.6's code.
 */

const PLURAL_PREPOSITIONS = new Set([
  'about',
  'before',
  'during',
  'of',
  'till',
  'above',
  'behind',
  'except',
  'off',
  'to',
  'across',
  'below',
  'for',
  'on',
  'under',
  'after',
  'beneath',
  'from',
  'onto',
  'until',
  'among',
  'beside',
  'in',
  'out',
  'unto',
  'around',
  'besides',
  'into',
  'over',
  'upon',
  'at',
  'between',
  'near',
  'since',
  'with',
  'athwart',
  'betwixt',
  'beyond',
  'but',
  'by',
]);

/** [pattern, replacement] in pattern's order; the first rule that matches decides. */
const SINGULAR_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/(.)ae$/i, '$1a'],
  [/(.)itis$/i, '$1itis'],
  [/(.)eaux$/i, '$1eau'],
  [/(quiz)zes$/i, '$1'],
  [/(matr)ices$/i, '$1ix'],
  [/(ap|vert|ind)ices$/i, '$1ex'],
  [/^(ox)en/i, '$1'],
  [/(alias|status)es$/i, '$1'],
  [/([octop|vir])i$/i, '$1us'],
  [/(cris|ax|test)es$/i, '$1is'],
  [/(shoe)s$/i, '$1'],
  [/(o)es$/i, '$1'],
  [/(bus)es$/i, '$1'],
  [/([m|l])ice$/i, '$1ouse'],
  [/(x|ch|ss|sh)es$/i, '$1'],
  [/(m)ovies$/i, '$1ovie'],
  [/(.)ombies$/i, '$1ombie'],
  [/(s)eries$/i, '$1eries'],
  [/([^aeiouy]|qu)ies$/i, '$1y'],
  // -f, -fe sometimes take -ves in the plural (pattern's comment); some of these are case-sensitive there.
  [/([aeo]l)ves$/, '$1f'],
  [/([^d]ea)ves$/, '$1f'],
  [/arves$/, 'arf'],
  [/erves$/, 'erve'],
  [/([nlw]i)ves$/, '$1fe'],
  [/([lr])ves$/i, '$1f'],
  [/([aeo])ves$/, '$1ve'],
  [/(sive)s$/i, '$1'],
  [/(tive)s$/i, '$1'],
  [/(hive)s$/i, '$1'],
  [/([^f])ves$/i, '$1fe'],
  [/(^analy)ses$/i, '$1sis'],
  [/((a)naly|(b)a|(d)iagno|(p)arenthe|(p)rogno|(s)ynop|(t)he)ses$/i, '$1$2sis'],
  [/(.)opses$/i, '$1opsis'],
  [/(.)yses$/i, '$1ysis'],
  [/(h|d|r|o|n|b|cl|p)oses$/i, '$1ose'],
  [/(fruct|gluc|galact|lact|ket|malt|rib|sacchar|cellul)ose$/i, '$1ose'],
  [/(.)oses$/i, '$1osis'],
  [/([ti])a$/i, '$1um'],
  [/(n)ews$/i, '$1ews'],
  [/s$/i, ''],
];

// prettier-ignore
const SINGULAR_UNINFLECTED = [
  'bison', 'debris', 'headquarters', 'pincers', 'trout', 'bream', 'diabetes', 'herpes', 'pliers', 'tuna',
  'breeches', 'djinn', 'high-jinks', 'proceedings', 'whiting', 'britches', 'eland', 'homework', 'rabies',
  'wildebeest', 'carp', 'elk', 'innings', 'salmon', 'chassis', 'flounder', 'jackanapes', 'scissors',
  'christmas', 'gallows', 'mackerel', 'series', 'clippers', 'georgia', 'measles', 'shears', 'cod', 'graffiti',
  'mews', 'species', 'contretemps', 'mumps', 'swine', 'corps', 'news', 'swiss',
];

// prettier-ignore
const SINGULAR_UNCOUNTABLE = [
  'advice', 'equipment', 'happiness', 'luggage', 'news', 'software', 'bread', 'fruit', 'information',
  'mathematics', 'progress', 'understanding', 'butter', 'furniture', 'ketchup', 'mayonnaise', 'research',
  'water', 'cheese', 'garbage', 'knowledge', 'meat', 'rice', 'electricity', 'gravel', 'love', 'mustard', 'sand',
];

/** "^pie" and "^tie" are compared as literal text in pattern, so they never match ("ties" → "ty"). */
// prettier-ignore
const SINGULAR_IE = [
  'alergie', 'cutie', 'hoagie', 'newbie', 'softie', 'veggie', 'auntie', 'doggie', 'hottie', 'nightie',
  'sortie', 'weenie', 'beanie', 'eyrie', 'indie', 'oldie', 'stoolie', 'yuppie', 'birdie', 'freebie', 'junkie',
  '^pie', 'sweetie', 'zombie', 'bogie', 'goonie', 'laddie', 'pixie', 'techie', 'bombie', 'groupie', 'laramie',
  'quickie', '^tie', 'collie', 'hankie', 'lingerie', 'reverie', 'toughie', 'cookie', 'hippie', 'meanie',
  'rookie', 'valkyrie',
];

const SINGULAR_IRREGULAR: Readonly<Record<string, string>> = {
  atlantes: 'atlas',
  atlases: 'atlas',
  axes: 'axe',
  beeves: 'beef',
  brethren: 'brother',
  children: 'child',
  corpora: 'corpus',
  corpuses: 'corpus',
  ephemerides: 'ephemeris',
  feet: 'foot',
  ganglia: 'ganglion',
  geese: 'goose',
  genera: 'genus',
  genii: 'genie',
  graffiti: 'graffito',
  helves: 'helve',
  kine: 'cow',
  leaves: 'leaf',
  loaves: 'loaf',
  men: 'man',
  mongooses: 'mongoose',
  monies: 'money',
  moves: 'move',
  mythoi: 'mythos',
  numena: 'numen',
  occipita: 'occiput',
  octopodes: 'octopus',
  opera: 'opus',
  opuses: 'opus',
  our: 'my',
  oxen: 'ox',
  penes: 'penis',
  penises: 'penis',
  people: 'person',
  sexes: 'sex',
  soliloquies: 'soliloquy',
  teeth: 'tooth',
  testes: 'testis',
  trilbys: 'trilby',
  turves: 'turf',
  zoa: 'zoon',
};

/** pattern.en `singularize(word)` for nouns, mistakes included. */
export function patternSingularize(word: string): string {
  // Recurse compound words (e.g. mothers-in-law).
  if (word.includes('-')) {
    const parts = word.split('-');
    if (parts.length > 1 && PLURAL_PREPOSITIONS.has(parts[1]!)) {
      return `${patternSingularize(parts[0]!)}-${parts.slice(1).join('-')}`;
    }
  }
  // dogs' => dog's
  if (word.endsWith("'")) return `${patternSingularize(word.slice(0, -1))}'s`;
  const w = word.toLowerCase();
  // pattern tests whether the *list entry* ends with the word, so "a", "on" or "ice" also come back as is.
  if (SINGULAR_UNINFLECTED.some((x) => x.endsWith(w))) return word;
  if (SINGULAR_UNCOUNTABLE.some((x) => x.endsWith(w))) return word;
  if (SINGULAR_IE.some((x) => w.endsWith(`${x}s`))) return w;
  for (const [plural, singular] of Object.entries(SINGULAR_IRREGULAR)) {
    if (w.endsWith(plural)) return word.replace(new RegExp(`${plural}$`, 'i'), singular);
  }
  for (const [suffix, inflection] of SINGULAR_RULES) {
    if (suffix.test(word)) return word.replace(suffix, inflection);
  }
  return word;
}
