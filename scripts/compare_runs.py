#!/usr/bin/python3
"""Compares the outputs of two launchmc builds, dataset by dataset and key by key.

For a restructuring that must not change results ("behaviour unchanged unless stated"), run the
same commands with the old and the new binary into two folders, then

    /usr/bin/python3 scripts/compare_runs.py OLD_DIR NEW_DIR

Each *.h5 run file present in both folders is compared dataset by dataset (bit for bit; NaN equal
to NaN) and attribute by attribute; each *.json is compared leaf by leaf (numbers with a relative
tolerance given by --rtol, default 0: exact). Reported per file: datasets/keys that differ, that
only the old or only the new output has. Attributes that name the build or the moment
(program_version, git_revision, created_utc, elapsed times, the run file's path) are listed as
volatile and not compared. Exit status 1 if anything differs except additions.
"""
import argparse
import json
import math
import pathlib
import sys

import h5py
import numpy as np

VOLATILE = {"program_version", "git_revision", "created_utc", "creation_time", "elapsed_s",
            "samples_per_s", "samples_per_second", "config_path", "config", "path", "file",
            "threads_used", "seconds", "output"}


def h5_items(path):
    items = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for k, v in obj.attrs.items():
                items[f"{name}@{k}"] = ("attr", np.asarray(v))
            if isinstance(obj, h5py.Dataset):
                items[name] = ("data", obj[()])
        for k, v in f.attrs.items():
            items[f"/@{k}"] = ("attr", np.asarray(v))
        f.visititems(visit)
    return items


def same_array(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype.names:  # compound
        return all(same_array(a[n], b[n]) for n in a.dtype.names)
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def json_leaves(x, prefix=""):
    if isinstance(x, dict):
        for k, v in x.items():
            yield from json_leaves(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from json_leaves(v, f"{prefix}[{i}]")
    else:
        yield prefix, x


def same_leaf(a, b, rtol):
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, str) or isinstance(b, str):
            return a == b
        if math.isnan(a) and math.isnan(b):
            return True
        return abs(a - b) <= rtol * max(abs(a), abs(b))
    return a == b


def volatile(key):
    last = key.replace("@", ".").split(".")[-1].split("/")[-1]
    return last in VOLATILE


def compare(old, new, kind, rtol):
    if kind == "h5":
        a, b = h5_items(old), h5_items(new)
        eq = lambda x, y: x[0] == y[0] and same_array(x[1], y[1])
    else:
        a = dict(json_leaves(json.loads(pathlib.Path(old).read_text())))
        b = dict(json_leaves(json.loads(pathlib.Path(new).read_text())))
        eq = lambda x, y: same_leaf(x, y, rtol)
    common = sorted(set(a) & set(b))
    differ = [k for k in common if not volatile(k) and not eq(a[k], b[k])]
    return differ, sorted(set(a) - set(b)), sorted(set(b) - set(a)), len(common)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--rtol", type=float, default=0.0)
    p.add_argument("--show", type=int, default=12, help="names listed per category")
    args = p.parse_args()
    bad = False
    for old in sorted(pathlib.Path(args.old).iterdir()):
        new = pathlib.Path(args.new) / old.name
        kind = {".h5": "h5", ".json": "json"}.get(old.suffix)
        if kind is None:
            continue
        if not new.exists():
            print(f"{old.name}: only in {args.old}")
            bad = True
            continue
        differ, gone, added, n = compare(old, new, kind, args.rtol)
        print(f"{old.name}: {n} common items, {len(differ)} differ, {len(gone)} removed, "
              f"{len(added)} added")
        for title, names in (("differ", differ), ("removed", gone), ("added", added)):
            if names:
                shown = ", ".join(names[: args.show])
                more = f" (+{len(names) - args.show} more)" if len(names) > args.show else ""
                print(f"  {title}: {shown}{more}")
        bad = bad or bool(differ) or bool(gone)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
