"""The Fashion-MNIST sample shipped inside dptrain's application jar (6,000 training and 1,000 test
images of 28x28 pixels, 600/100 per class; see its README in the jar), as a DataFrame."""

import gzip
import struct
import zipfile
from typing import Any, List, Optional, Tuple

from dptrain import jar_path

_SAMPLE_DIR = "org/dptrain/driver/sample/fashion-mnist/"
_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: The ten classes, by label.
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")


def _idx(data: bytes, name: str, dims: int) -> Tuple[List[int], bytes]:
    """The dimensions and the payload of an IDX file of unsigned bytes."""
    if len(data) < 4 + 4 * dims:
        raise ValueError(f"{name}: {len(data)} bytes, too short for an IDX header")
    zero, kind, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08 or ndim != dims:
        raise ValueError(f"{name}: not an IDX file of unsigned bytes with {dims} dimensions")
    shape = list(struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims]))
    payload = data[4 + 4 * dims:]
    size = 1
    for d in shape:
        size *= d
    if len(payload) != size:
        raise ValueError(f"{name}: {len(payload)} bytes of data for shape {shape}")
    return shape, payload


def load(split: str = "train", jar: Optional[str] = None) -> List[Tuple[List[float], int]]:
    """(pixels scaled to [0, 1], label) per image of the ``train`` or ``test`` split, read from
    the jar (default :func:`dptrain.jar_path`)."""
    if split not in _FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    images_name, labels_name = _FILES[split]
    with zipfile.ZipFile(jar or jar_path()) as z:
        images = gzip.decompress(z.read(_SAMPLE_DIR + images_name))
        labels = gzip.decompress(z.read(_SAMPLE_DIR + labels_name))
    (n, rows, cols), pixels = _idx(images, images_name, 3)
    (m,), label_bytes = _idx(labels, labels_name, 1)
    if n != m:
        raise ValueError(f"{images_name} has {n} images but {labels_name} {m} labels")
    width = rows * cols
    return [([p / 255.0 for p in pixels[i * width:(i + 1) * width]], label_bytes[i])
            for i in range(n)]


def fashion_mnist(spark: Any, split: str = "train") -> Any:
    """The split as a DataFrame of ``features`` (a dense Vector of 784 values in [0, 1]) and
    ``label`` (0..9, double), in the file's order. Works with classic and Connect sessions."""
    from pyspark.ml.linalg import Vectors

    rows = [(Vectors.dense(x), float(y)) for x, y in load(split)]
    return spark.createDataFrame(rows, ["features", "label"])
