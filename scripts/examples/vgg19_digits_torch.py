"""VGG19 with weights from a Keras-saved file, fine-tuned on handwritten digits on the
torch backend, two ways:

1. with crossops's ``fit``, on channels-last images from a ``torch.utils.data.DataLoader``;
2. as a module inside a user's ``torch.nn.Module``, trained with ``torch.optim``.

The digits are scikit-learn's bundled 8x8 ``load_digits``, upscaled to 32x32x3. The
weights come from a file written by Keras: ``--weights`` takes one (such as ImageNet's
``vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`` from Keras's cache folder, or any
``.weights.h5`` that Keras saved for ``VGG19(include_top=False)``); without it, the script
first has Keras 3 build VGG19 (``weights=None``, seed 0) in a subprocess and save its
weights, and loads that file. Prints each way's test accuracy and time.

    python scripts/examples/vgg19_digits_torch.py [--weights FILE] [--epochs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import crossops

_KERAS_SAVE = """
import sys, keras
keras.utils.set_random_seed(0)
model = keras.applications.VGG19(include_top=False, weights=None, input_shape=(32, 32, 3))
model.save_weights(sys.argv[1])
"""


def keras_weights_file(folder: str) -> str:
    """A VGG19 (no top) weights file saved by Keras 3 (random weights, seed 0)."""
    path = os.path.join(folder, "vgg19_notop.weights.h5")
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-c", _KERAS_SAVE, path], check=True, env=env)
    return path


def digits():
    """(train, test) of (images, labels): 32x32x3 uint8-range float32 images, channels last,
    through VGG19's ``preprocess_input``."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from crossops.applications import vgg19
    data = load_digits()
    images = np.kron(data.images, np.ones((4, 4))) * (255.0 / 16.0)  # 8x8 -> 32x32
    images = np.repeat(images[..., None], 3, axis=-1).astype(np.float32)
    images = np.asarray(vgg19.preprocess_input(images, data_format="channels_last"))
    labels = data.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(images, labels, test_size=0.25, random_state=0)
    return (x_tr, y_tr), (x_te, y_te)


def loader(x, y, shuffle):
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    data = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    return DataLoader(data, batch_size=32, shuffle=shuffle,
                      generator=torch.Generator().manual_seed(0))


def base_model(weights: str):
    from crossops.applications import VGG19
    return VGG19(include_top=False, weights=weights, input_shape=(32, 32, 3), pooling="avg",
                 data_format="channels_last")


def with_fit(weights, train, test, epochs):
    """VGG19 + a Dense head, trained with ``fit`` on a DataLoader."""
    from crossops import layers, models, optimizers
    model = models.Sequential([layers.Input((32, 32, 3)), base_model(weights),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizers.Adam(1e-4), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    t = time.perf_counter()
    model.fit(loader(*train, shuffle=True), epochs=epochs, verbose=2)
    seconds = time.perf_counter() - t
    _, accuracy = model.evaluate(loader(*test, shuffle=False), verbose=0)
    return float(accuracy), seconds


def with_torch_optim(weights, train, test, epochs):
    """The same VGG19 as a submodule of a user's ``torch.nn.Module``, trained with
    ``torch.optim.Adam`` and a hand-written loop."""
    import torch

    class Classifier(torch.nn.Module):
        def __init__(self, base):
            super().__init__()
            self.base = base  # a crossops model is a torch.nn.Module on the torch backend
            self.head = torch.nn.Linear(512, 10)

        def forward(self, x):
            return self.head(self.base(x))

    torch.manual_seed(0)
    net = Classifier(base_model(weights))
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    t = time.perf_counter()
    net.train()
    for epoch in range(epochs):
        total = 0.0
        for x, y in loader(*train, shuffle=True):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
        print(f"epoch {epoch + 1}/{epochs} - loss: {total / len(train[1]):.4f}")
    seconds = time.perf_counter() - t
    net.eval()
    correct = 0
    with torch.no_grad():
        for x, y in loader(*test, shuffle=False):
            correct += int((net(x).argmax(-1) == y).sum())
    return correct / len(test[1]), seconds


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weights", help="a VGG19 (no top) weights file saved by Keras")
    p.add_argument("--epochs", type=int, default=3)
    args = p.parse_args()
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    crossops.set_backend("torch")
    train, test = digits()
    with tempfile.TemporaryDirectory() as folder:
        weights = args.weights or keras_weights_file(folder)
        print(f"weights: {weights if args.weights else 'saved by Keras 3 (random, seed 0)'}")
        results = {"fit (crossops)": with_fit(weights, train, test, args.epochs),
                   "torch.optim loop": with_torch_optim(weights, train, test, args.epochs)}
    print(f"\n| way | test accuracy | training time ({args.epochs} epochs) |\n|---|---:|---:|")
    for way, (accuracy, seconds) in results.items():
        print(f"| {way} | {accuracy:.3f} | {seconds:.1f} s |")


if __name__ == "__main__":
    main()
