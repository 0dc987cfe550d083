#!/usr/bin/env python3
"""Builds the Debian-sections dataset: predict a package's Section from its description.

Reads the package index this machine's apt knows (`apt-cache dumpavail`) and the long
descriptions of its English translation files (`/var/lib/apt/lists/*_i18n_Translation-en*`,
matched by Description-md5; both need `apt-get update -o Acquire::Languages=en` once, which
scripts/make-debian-sections.sh runs), keeps one record per package name (the stanza with the
greatest version string), and writes tab-separated files with a header `label\tsection\tpackage\ttext` into the output folder:

  train.tsv, test.tsv   a fixed split by a hash of the package name (about 80/20), so the split
                        does not depend on the order apt lists the packages
  sections.tsv          the classes kept (index, name, packages) in index order (sorted by name)
  SOURCE                where the data came from: the apt lists' names and sizes, the SHA-256 of
                        the dump, the date, the counts

`text` is the one-line synopsis followed by the long description, lines joined with spaces
(Debian's " ." paragraph markers dropped). The section drops its archive area ("contrib/net" is
"net"). Sections with fewer than --min-packages packages are left out (their names and counts go
to SOURCE), so every class has enough examples in both parts of the split.

Only the standard library: the featurisation (Tokenizer -> HashingTF) is done by Spark in the
benchmark, so every trainer there sees the same vectors.
"""
import argparse
import collections
import datetime
import glob
import hashlib
import os
import subprocess
import sys


def stanzas(text):
    """Yields the fields of each stanza of a Debian control-style file as a dict."""
    fields = {}
    last = None
    for line in text.split("\n"):
        if not line.strip():
            if fields:
                yield fields
            fields, last = {}, None
        elif line[0] in " \t":
            if last is not None:
                fields[last] += "\n" + line
        else:
            key, sep, value = line.partition(":")
            if not sep:
                raise ValueError("not a 'Field: value' line: %r" % line[:80])
            last = key.strip()
            fields[last] = value.strip()
    if fields:
        yield fields


def description(value):
    lines = value.split("\n")
    words = [lines[0].strip()]
    for line in lines[1:]:
        line = line.strip()
        if line and line != ".":
            words.append(line)
    return " ".join(words).replace("\t", " ")


def version_key(v):
    # apt lists the candidate first; when a package appears twice (bookworm and
    # bookworm-security), keep the longer version string's stanza deterministically
    return (len(v), v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", default="data/debian-sections",
                    help="output folder (default: %(default)s, git-ignored)")
    ap.add_argument("--min-packages", type=int, default=100,
                    help="leave out sections with fewer packages (default: %(default)s)")
    ap.add_argument("--test-percent", type=int, default=20,
                    help="share of packages in test.tsv, by name hash (default: %(default)s)")
    ap.add_argument("--dump", help="read this file instead of running apt-cache dumpavail")
    ap.add_argument("--translations", nargs="*",
                    default=sorted(glob.glob("/var/lib/apt/lists/*_i18n_Translation-en*")),
                    help="Translation-en files with the long descriptions (default: apt's lists)")
    args = ap.parse_args()

    if args.dump:
        with open(args.dump, "rb") as f:
            raw = f.read()
    else:
        try:
            raw = subprocess.run(["apt-cache", "dumpavail"], check=True,
                                 capture_output=True).stdout
        except FileNotFoundError:
            sys.exit("make-debian-sections: apt-cache not found (this needs a Debian machine)")
    if not raw.strip():
        sys.exit("make-debian-sections: apt-cache dumpavail printed nothing: run `apt-get update` first")
    text = raw.decode("utf-8", errors="replace")

    if not args.translations:
        sys.exit("make-debian-sections: no Translation-en lists in /var/lib/apt/lists: run "
                 "`apt-get update -o Acquire::Languages=en` first (the Packages files hold only "
                 "the one-line synopsis)")
    long_desc = {}
    for path in args.translations:
        data = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", path], check=True,
                              capture_output=True).stdout.decode("utf-8", errors="replace")
        for f in stanzas(data):
            md5, desc = f.get("Description-md5"), f.get("Description-en")
            if md5 and desc:
                long_desc[md5] = desc
    missing = 0

    best = {}
    for n, f in enumerate(stanzas(text)):
        name, section, desc = f.get("Package"), f.get("Section"), f.get("Description")
        if not name or not section or not desc:
            continue
        if "\n" not in desc:
            full = long_desc.get(f.get("Description-md5"))
            if full is None:
                missing += 1
            else:
                desc = full
        version = f.get("Version", "")
        old = best.get(name)
        if old is None or version_key(version) > version_key(old[0]):
            best[name] = (version, section.split("/")[-1], description(desc))

    counts = collections.Counter(sec for _, sec, _ in best.values())
    kept = sorted(s for s, c in counts.items() if c >= args.min_packages)
    dropped = sorted((s, c) for s, c in counts.items() if c < args.min_packages)
    index = {s: i for i, s in enumerate(kept)}

    os.makedirs(args.output, exist_ok=True)
    parts = {"train": [], "test": []}
    for name in sorted(best):
        _, section, desc = best[name]
        if section not in index:
            continue
        h = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % 100
        part = "test" if h < args.test_percent else "train"
        parts[part].append("%d\t%s\t%s\t%s\n" % (index[section], section, name, desc))
    for part, rows in parts.items():
        tmp = os.path.join(args.output, "." + part + ".tsv.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("label\tsection\tpackage\ttext\n")
            f.writelines(rows)
        os.replace(tmp, os.path.join(args.output, part + ".tsv"))
    with open(os.path.join(args.output, "sections.tsv"), "w", encoding="utf-8") as f:
        f.write("label\tsection\tpackages\n")
        for s in kept:
            f.write("%d\t%s\t%d\n" % (index[s], s, counts[s]))
    lists = sorted(glob.glob("/var/lib/apt/lists/*Packages*"))
    with open(os.path.join(args.output, "SOURCE"), "w", encoding="utf-8") as f:
        f.write("made %s by scripts/make-debian-sections.py\n"
                % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        f.write("from %s, sha256 %s, %d bytes\n"
                % (args.dump or "apt-cache dumpavail", hashlib.sha256(raw).hexdigest(), len(raw)))
        for p in lists:
            f.write("apt list %s %d bytes\n" % (os.path.basename(p), os.path.getsize(p)))
        f.write("packages %d, kept %d in %d sections (>= %d packages): train %d, test %d\n"
                % (len(best), len(parts["train"]) + len(parts["test"]), len(kept),
                   args.min_packages, len(parts["train"]), len(parts["test"])))
        f.write("translations %s; %d stanzas without a long description (synopsis only)\n"
                % (", ".join(os.path.basename(p) for p in args.translations), missing))
        f.write("left out: %s\n" % ", ".join("%s %d" % sc for sc in dropped))
    sys.stdout.write(open(os.path.join(args.output, "SOURCE"), encoding="utf-8").read())


if __name__ == "__main__":
    main()
