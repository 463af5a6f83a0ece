#!/usr/bin/python3
"""Markdown tables of a launch's sensitivity study against the rank measures of an ordinary run
(docs/reports/chollima1_2023_sensitivity.md is written with it).

Inputs: the JSON of `launchmc sensitivity CONFIG --method sobol ... --json` and that of
`launchmc summarize --sensitivity RUN.h5 --json` on an ordinary run of the same config. For each
chosen outcome: the five leading factors by the total index ST (S1 and ST with their 95 %
intervals), then the agreement with the run's partial rank correlations: the factors ranked by
|PRCC| (a correlated group takes the largest |PRCC| of its members, failure.mode the largest of its
modes' indicators; failure.time and navigation.noise are not columns of a run file and are left
out of the comparison), the overlap of the two top fives and Spearman's correlation of the two
rankings over the factors both rank.

Usage: /usr/bin/python3 scripts/sensitivity_report.py SOBOL.json PRCC.json
           [--outputs stage1.downrange_km,stage2.downrange_km,catalog_perigee_alt_km]"""
import argparse
import json
import math


def fmt(v):
    return "-" if v is None else f"{v:.3f}"


def interval(ci):
    return "[" + ", ".join(fmt(x) for x in ci) + "]"


def ranks(values):
    """Mid-ranks, 1 = largest."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for m in range(i, j + 1):
            r[order[m]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    den = math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
    return num / den if den > 0 else float("nan")


def factor_of(column, factors):
    if column.startswith("failure.mode="):
        return "failure.mode"
    for f in factors:
        if column == f or column in f.split(" + "):
            return f
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sobol")
    ap.add_argument("prcc")
    ap.add_argument("--outputs",
                    default="stage1.downrange_km,stage2.downrange_km,catalog_perigee_alt_km")
    a = ap.parse_args()
    sobol = json.load(open(a.sobol))
    prcc = json.load(open(a.prcc))
    d = sobol["design"]
    print(f"Sobol' design: N = {d['N']} base points, k = {d['k']} factors, {d['rows']} flights "
          f"(seed {d['seed']}); rank measures: {prcc['rows']} flights of an ordinary run.\n")
    for name in a.outputs.split(","):
        print(f"### {name}\n")
        o = sobol["outputs"].get(name)
        if o is None:
            print("Not an outcome of this study (no flight defines it).\n")
            continue
        if o["status"] != "ok":
            print(f"Status `{o['status']}`: no index.\n")
            continue
        inputs = o["inputs"]
        factors = list(inputs)
        by_st = sorted(factors, key=lambda f: -(inputs[f]["ST"] if inputs[f]["ST"] is not None
                                                 else -math.inf))
        print(f"Base points used: {o['base_points_used']} of {d['N']} "
              f"({o['base_points_dropped']} dropped: a flight of the base point does not define "
              f"the outcome); variance {o['variance']:.4g}.\n")
        print("| rank | factor | S1 | S1 95 % | ST | ST 95 % |")
        print("|---|---|---|---|---|---|")
        for r, f in enumerate(by_st[:5], 1):
            e = inputs[f]
            print(f"| {r} | `{f}` | {fmt(e['S1'])} | {interval(e['S1_ci95'])} | {fmt(e['ST'])} | "
                  f"{interval(e['ST_ci95'])} |")
        p = prcc["outputs"].get(name)
        if p is None:
            print("\nThe ordinary run does not define this outcome.\n")
            continue
        best = {}
        for column, e in p["inputs"].items():
            f = factor_of(column, factors)
            if f is None or e["prcc"] is None:
                continue
            best[f] = max(best.get(f, 0.0), abs(e["prcc"]))
        common = [f for f in factors if f in best and inputs[f]["ST"] is not None]
        by_prcc = sorted(common, key=lambda f: -best[f])
        top_st = [f for f in by_st if f in common][:5]
        overlap = len(set(top_st) & set(by_prcc[:5]))
        rho = spearman([inputs[f]["ST"] for f in common], [best[f] for f in common])
        print(f"\nRun's |PRCC| top five: " + ", ".join(f"`{f}` ({best[f]:.3f})"
                                                      for f in by_prcc[:5]) + ".")
        unranked = [f for f in by_st[:5] if f not in common]
        if unranked:
            print("Not ranked by the run (no partial rank correlation: not a column of a run file, "
                  "or not defined): " + ", ".join(f"`{f}`" for f in unranked) + ".")
        print(f"Top fives shared (of the factors both rank): {overlap} of 5; Spearman correlation "
              f"of the ST and |PRCC| rankings over the {len(common)} factors both rank: "
              f"{rho:.2f}.\n")


if __name__ == "__main__":
    main()
