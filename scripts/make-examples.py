#!/usr/bin/env python3
"""Regenerates the small example datasets under conf/jobs/data/ (dev tool, standard library only).

xor.csv          the four XOR points, repeated 25 times (binary task)
circles.csv      two noisy concentric circles, 600 points, label 0/1 (binary task)
regression.libsvm  y = sin(2 x1) + 0.5 x2^2 + noise, 1,000 points, x in [-2, 2]^2 (LIBSVM)
Seeded, so the files are the same every time.
"""
import math
import os
import random

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conf", "jobs", "data")
os.makedirs(out, exist_ok=True)
rnd = random.Random(20261122)

with open(os.path.join(out, "xor.csv"), "w") as f:
    f.write("x1,x2,label\n")
    for _ in range(25):
        for a, b in ((0, 0), (0, 1), (1, 0), (1, 1)):
            f.write(f"{a},{b},{a ^ b}\n")

with open(os.path.join(out, "circles.csv"), "w") as f:
    f.write("x,y,label\n")
    for i in range(600):
        label = i % 2
        r = (0.5 if label == 1 else 1.0) + rnd.gauss(0, 0.08)
        t = rnd.uniform(0, 2 * math.pi)
        f.write(f"{r * math.cos(t):.6f},{r * math.sin(t):.6f},{label}\n")

with open(os.path.join(out, "regression.libsvm"), "w") as f:
    for _ in range(1000):
        x1 = rnd.uniform(-2, 2)
        x2 = rnd.uniform(-2, 2)
        y = math.sin(2 * x1) + 0.5 * x2 * x2 + rnd.gauss(0, 0.05)
        f.write(f"{y:.6f} 1:{x1:.6f} 2:{x2:.6f}\n")
