#!/usr/bin/env python3
"""Make the embedded Fashion-MNIST sample (a dev tool; the product only reads its output).

Takes, from each split of Fashion-MNIST in IDX gzip format, the first PER_CLASS examples of every
class in file order, keeps them in their original relative order, and writes them as IDX gzip
files (deterministic bytes: gzip mtime 0, no file name) with the licence and a README into
driver/src/main/resources/org/dptrain/driver/sample/fashion-mnist/.

Usage: scripts/make-sample.py [SOURCE_DIR]   (default: ../shared/data/fashion-mnist beside the repo,
       or $FASHION_MNIST_DIR)
"""
import gzip
import hashlib
import os
import shutil
import struct
import sys

SPLITS = (("train", 600), ("t10k", 100))
CLASSES = 10
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "driver", "src", "main", "resources", "org", "dptrain", "driver",
                   "sample", "fashion-mnist")


def read_idx(path, ndims):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, nd = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08 or nd != ndims:
        sys.exit(f"{path}: unexpected IDX header")
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    return dims, data[4 + 4 * ndims:]


def write_idx(path, ndims, dims, payload):
    header = struct.pack(">HBB", 0, 0x08, ndims) + struct.pack(">" + "I" * ndims, *dims)
    with open(path, "wb") as raw:
        # mtime=0 and an empty name make the bytes depend on the content only.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)


def main():
    src = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "FASHION_MNIST_DIR", os.path.join(HERE, "..", "..", "shared", "data", "fashion-mnist")))
    os.makedirs(OUT, exist_ok=True)
    lines = []
    for split, per_class in SPLITS:
        images_in = os.path.join(src, f"{split}-images-idx3-ubyte.gz")
        labels_in = os.path.join(src, f"{split}-labels-idx1-ubyte.gz")
        (n, rows, cols), pixels = read_idx(images_in, 3)
        (n_labels,), labels = read_idx(labels_in, 1)
        if n != n_labels or len(pixels) != n * rows * cols or len(labels) != n:
            sys.exit(f"{split}: images and labels do not match")
        taken = [0] * CLASSES
        keep = []
        for i, label in enumerate(labels):
            if taken[label] < per_class:
                taken[label] += 1
                keep.append(i)
        if taken != [per_class] * CLASSES:
            sys.exit(f"{split}: not enough examples per class: {taken}")
        size = rows * cols
        write_idx(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), 3, (len(keep), rows, cols),
                  b"".join(pixels[i * size:(i + 1) * size] for i in keep))
        write_idx(os.path.join(OUT, f"{split}-labels-idx1-ubyte.gz"), 1, (len(keep),),
                  bytes(labels[i] for i in keep))
        lines.append(f"{split}: {len(keep)} of {n} examples ({per_class} per class), "
                     f"source indices {keep[0]}..{keep[-1]}")
    shutil.copyfile(os.path.join(src, "LICENSE"), os.path.join(OUT, "LICENSE"))
    for name in sorted(os.listdir(OUT)):
        if name.endswith(".gz"):
            with open(os.path.join(OUT, name), "rb") as f:
                lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
