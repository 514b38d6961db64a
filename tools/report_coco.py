"""The COCO bench's trade-off chart from its JSON.

    npm run -s bench -- coco --data DIR ... > coco.json
    python3 tools/report_coco.py coco.json --png docs/critic-tradeoff.png

One curve per evidence configuration: over the verdict threshold (a mention the evidence does not show is
contradicted when its category's calibrated recall is at least the threshold), the share of truly present mentioned
objects called hallucinated (x) against the share of injected absent objects flagged (y). The critic before issue 17
(every unshown mention hallucinated) is a cross per configuration; the studio's default threshold a ring. Needs
matplotlib (tools/requirements-plots.txt).
"""

import argparse
import json


def load(path):
    text = open(path, encoding="utf8").read()
    return json.loads(text[text.index("{") :])


def label(z):
    name = " + ".join("whole" if g == 1 else f"{g}×{g}" for g in z["grids"])
    return name + (", corroborated" if z.get("corroborated") and any(g > 1 for g in z["grids"]) else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("json")
    parser.add_argument("--png", required=True)
    args = parser.parse_args()
    report = load(args.json)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5), dpi=110)
    default = report["calibration"]["thresholds"]["minRecall"]
    for z in report["zooms"]:
        xs = [p["falseAlarms"] for p in z["tradeOff"]]
        ys = [p["injectedFlagged"] for p in z["tradeOff"]]
        (line,) = ax.plot(xs, ys, marker=".", label=label(z))
        for p in z["tradeOff"]:
            if abs(p["minRecall"] - default) < 1e-9:
                ax.plot(p["falseAlarms"], p["injectedFlagged"], "o", mfc="none", ms=11, color=line.get_color())
        before = z["critic"]["uncalibrated"]["all"]
        ax.plot(before["falseAlarms"]["rate"], before["injectedFlagged"]["both"]["rate"], "x", ms=9, color=line.get_color())
    ax.axvline(0.05, color="grey", lw=0.8, ls="--")
    ax.text(0.052, 0.02, "target: false alarms ≤ 0.05", color="grey", fontsize=8)
    ax.set_xlabel("true objects in human captions called hallucinated")
    ax.set_ylabel("injected absent objects flagged")
    ax.set_xlim(0, None)
    ax.set_ylim(0, 1.02)
    ax.set_title(
        f"{report['data']}: the critic's trade-off over the verdict threshold\n"
        f"(ring: default {default}; cross: before calibrated verdicts)",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.png)


if __name__ == "__main__":
    main()
