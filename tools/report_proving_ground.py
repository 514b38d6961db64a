"""The proving-ground bench's report: a chart and a markdown table from its JSON.

    npm run bench -- proving-ground --data DIR ... > pg.json
    python3 tools/report_proving_ground.py pg.json --png docs/proving-ground.png > table.md

The chart: CHAIR-i and recall per test split and round, one line per arm (mean over seeds, bars from the lowest
to the highest seed), and the rate at which the bias pair's B is named on `bias` and `control` scenes. The table: the last round's
figures per arm and split, mean ± half the spread over seeds, beside the untrained student's. Needs matplotlib
(tools/requirements-plots.txt).
"""

import argparse
import json
import statistics
import sys

SPLITS = ["simple", "complex", "bias", "control"]
LABELS = {
    "none": "(a) no training",
    "self": "(b) self-training",
    "critic": "(c) critic, backed only",
    "oracle": "(d) oracle",
    "critic-all": "(e) critic, every rewrite",
    "preference": "(f) DPO pairs",
}


def load(path):
    text = open(path, encoding="utf8").read()
    # `npm run` prints its own header lines before the JSON.
    return json.loads(text[text.index("\n{") + 1 :] if not text.startswith("{") else text)


def series(report, arm, value):
    """Per round: the values over seeds."""
    rounds = report["rounds"] + 1
    out = [[] for _ in range(rounds)]
    for run in report["runs"]:
        for figures in run["arms"].get(arm, []):
            v = value(figures)
            if v is not None:
                out[figures["round"]].append(v)
    return out


def spread(values):
    if not values:
        return None
    mean = statistics.fmean(values)
    return mean, min(values), max(values)


def plot(report, png):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    arms = list(report["arms"].keys())
    bias = lambda f, key: (f.get("bias") or [{}])[0].get(key)
    pair = (report["runs"][0]["arms"].get("none") or [{}])[0].get("bias") or []
    b = pair[0]["b"] if pair else "B"
    rows = [
        [(f"CHAIR-i, {s}", lambda f, s=s: f["splits"].get(s, {}).get("chairI")) for s in SPLITS]
        + [(f"'{b}' named on bias scenes (B absent)", lambda f: bias(f, "biasRate"))],
        [(f"recall, {s}", lambda f, s=s: f["splits"].get(s, {}).get("recall")) for s in SPLITS]
        + [(f"'{b}' named on control scenes", lambda f: bias(f, "controlRate"))],
    ]
    fig, grid = plt.subplots(len(rows), len(rows[0]), figsize=(3.2 * len(rows[0]), 3.0 * len(rows)), sharex=True)
    for axes, panels in zip(grid, rows):
        for ax, (title, value) in zip(axes, panels):
            for arm in arms:
                points = [spread(v) for v in series(report, arm, value)]
                xs = [i for i, p in enumerate(points) if p]
                ys = [points[i][0] for i in xs]
                lo = [max(0.0, points[i][0] - points[i][1]) for i in xs]
                hi = [max(0.0, points[i][2] - points[i][0]) for i in xs]
                ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=3, label=LABELS.get(arm, arm))
            ax.set_title(title, fontsize=9)
            ax.set_xticks(range(report["rounds"] + 1))
            ax.grid(alpha=0.3)
    for ax in grid[-1]:
        ax.set_xlabel("round")
    grid[0][0].legend(fontsize=7, loc="best")
    seeds = ", ".join(str(s) for s in report["seeds"])
    fig.suptitle(
        f"Proving ground: {report['pool']} pool scenes per round, {report['testImagesPerSplit']} test scenes per split, seeds {seeds} (mean, min-max)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def fmt(values, digits=3):
    s = spread(values)
    if s is None:
        return "–"
    mean, lo, hi = s
    return f"{mean:.{digits}f} ± {(hi - lo) / 2:.{digits}f}" if len(values) > 1 else f"{mean:.{digits}f}"


def table(report):
    last = report["rounds"]
    rows = ["| arm | split | CHAIR-i | CHAIR-s | recall | count acc. | fluency |", "|---|---|---:|---:|---:|---:|---:|"]
    for arm in report["arms"]:
        for split in SPLITS:
            pick = lambda key: series(report, arm, lambda f: (f["splits"].get(split) or {}).get(key))[last]
            counts = series(report, arm, lambda f: ((f["splits"].get(split) or {}).get("counts") or {}).get("accuracy"))[last]
            rows.append(
                f"| {LABELS.get(arm, arm)} | {split} | {fmt(pick('chairI'))} | {fmt(pick('chairS'))} | {fmt(pick('recall'))} | {fmt(counts)} | {fmt(pick('fluency'))} |"
            )
    bias = ["", "| arm | B named on `bias` (A, no B) | on `control` | ratio |", "|---|---:|---:|---:|"]
    for arm in report["arms"]:
        b = series(report, arm, lambda f: (f.get("bias") or [{}])[0].get("biasRate"))[last]
        c = series(report, arm, lambda f: (f.get("bias") or [{}])[0].get("controlRate"))[last]
        r = series(report, arm, lambda f: (f.get("bias") or [{}])[0].get("ratio"))[last]
        bias.append(f"| {LABELS.get(arm, arm)} | {fmt(b)} | {fmt(c)} | {fmt(r, 2)} |")
    critic = ["", "| arm | critic flags: precision | recall | omission suggestions: precision | recall | rewrites taken / pool |", "|---|---:|---:|---:|---:|---:|"]
    for arm in report["arms"]:
        if arm not in ("critic", "critic-all", "preference"):
            continue
        get = lambda kind, key: series(report, arm, lambda f: ((f.get("critic") or {}).get(kind) or {}).get(key))[1]
        taken = series(report, arm, lambda f: (f.get("trained") or {}).get("refined"))[1]
        critic.append(
            f"| {LABELS.get(arm, arm)} | {fmt(get('hallucinationFlags', 'precision'))} | {fmt(get('hallucinationFlags', 'recall'))} | "
            f"{fmt(get('omissionSuggestions', 'precision'))} | {fmt(get('omissionSuggestions', 'recall'))} | {fmt(taken, 1)} / {report['pool']} |"
        )
    return "\n".join(rows + bias + critic)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json")
    parser.add_argument("--png")
    args = parser.parse_args()
    report = load(args.json)
    pref = report.get("preference")
    if pref:  # the (f) arm's DPO settings, as the bench ran it
        LABELS["preference"] = f"(f) DPO pairs, β {pref['beta']}, α {pref['chosenWeight']}"
    if args.png:
        plot(report, args.png)
    sys.stdout.write(table(report) + "\n")


if __name__ == "__main__":
    main()
