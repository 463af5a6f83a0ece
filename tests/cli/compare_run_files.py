#!/usr/bin/python3
"""Compares two HDF5 files object by object: the same groups and datasets, every dataset of the
same type, shape and values (NaN equal to NaN), every attribute equal except those named with
--ignore-attribute (e.g. created_utc, elapsed_s, samples_per_s: when and how fast, not what).
Exit status 0: equal; 1: different (each difference on stderr); 2: usage.

  compare_run_files.py A.h5 B.h5 [--ignore-attribute NAME ...]
"""
import argparse
import sys

import h5py
import numpy as np


def equal_values(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True)
    return np.array_equal(a, b)


def compare(a, b, ignore):
    problems = []

    def attrs(path, oa, ob):
        ka = {k for k in oa.attrs if k not in ignore}
        kb = {k for k in ob.attrs if k not in ignore}
        for k in sorted(ka ^ kb):
            problems.append(f"{path}: attribute {k} in one file only")
        for k in sorted(ka & kb):
            if not equal_values(oa.attrs[k], ob.attrs[k]):
                problems.append(f"{path}: attribute {k}: {oa.attrs[k]!r} vs {ob.attrs[k]!r}")

    def walk(path, ga, gb):
        attrs(path, ga, gb)
        na, nb = set(ga.keys()), set(gb.keys())
        for k in sorted(na ^ nb):
            problems.append(f"{path.rstrip('/')}/{k}: in one file only")
        for k in sorted(na & nb):
            p = f"{path.rstrip('/')}/{k}"
            oa, ob = ga[k], gb[k]
            if isinstance(oa, h5py.Group) and isinstance(ob, h5py.Group):
                walk(p, oa, ob)
            elif isinstance(oa, h5py.Dataset) and isinstance(ob, h5py.Dataset):
                attrs(p, oa, ob)
                if oa.dtype != ob.dtype or oa.shape != ob.shape:
                    problems.append(f"{p}: {oa.dtype}{oa.shape} vs {ob.dtype}{ob.shape}")
                elif not equal_values(oa[()], ob[()]):
                    problems.append(f"{p}: values differ")
            else:
                problems.append(f"{p}: a group in one file, a dataset in the other")

    walk("/", a, b)
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--ignore-attribute", action="append", default=[])
    args = parser.parse_args()
    with h5py.File(args.a, "r") as fa, h5py.File(args.b, "r") as fb:
        problems = compare(fa, fb, set(args.ignore_attribute))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
