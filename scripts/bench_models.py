"""Model-scale training speed of crossops ``fit`` against native loops and Keras 3.

Two models, the sizes CPU-friendly (``--quick`` shrinks them to validate the script):

- ResNet50 (Keras's architecture: ``crossops.applications.ResNet50``), input 64x64x3,
  batch 8, 1000 classes, ``weights=None``, logits out;
- a BERT-base-shaped encoder (hidden 768, 12 layers, 12 heads, intermediate 3072, vocab
  30522; ``crossops.applications.bert.BertModel``), sequence 16, batch 4, its pooler output
  into ``Dense(2)``; dropout 0 everywhere (so that every runner does the same arithmetic).

Every runner trains with Adam (eps 1e-7, as Keras; lr 1e-3 ResNet50, 1e-4 BERT) on a sparse
categorical cross-entropy of logits, one fixed synthetic batch (seeded NumPy) fed from
host memory at every step (so the loss must go down). Runners per backend:

- ``crossops``: ``Model.fit(..., steps_per_epoch=warmup + steps)`` with its defaults
  (``jit_compile="auto"``, Keras's rule: jax.jit, eager torch, tf.function); on torch also
  ``crossops-compiled``, with ``jit_compile=True`` (torch.compile);
- ``native`` on jax: the same architecture written in ``jax.numpy`` / ``jax.lax``, its step
  under ``jax.jit`` with optax, the state donated; on torch: a hand-written ``torch.nn``
  ResNet50 (Keras's architecture; torchvision is not installed) and
  ``transformers.BertModel``, with torch.optim, eager and (a second row) with the module
  under ``torch.compile``; on
  tensorflow: the Keras 3 model (Keras layers on the tensorflow backend) trained by a plain
  ``tf.function`` + ``tf.GradientTape`` step with Keras's Adam (not ``fit``);
- ``keras``: Keras 3 ``Model.fit`` with ``KERAS_BACKEND`` set to the backend, its defaults.

Each (model, backend, runner) runs in its own subprocess (``--child``), so that the peak
resident memory (``ru_maxrss`` after the run) is per configuration. A fit step is timed by
a callback: the time between consecutive ``on_train_batch_end`` calls, each of which reads
the loss (a device sync; the native loops read theirs at every step too). The first step's
time runs from just before ``fit`` (or the first native step) to its end, compilation
included; the step time is the median over ``--steps`` steps after ``--warmup`` steps.

    python scripts/bench_models.py [--quick] [--models resnet50 bert]
                                   [--backends jax torch tensorflow] [--steps 10]
                                   [--rounds 1]

Prints one Markdown table per model; ratios are crossops steps/s over the other's (> 1:
crossops faster) and crossops peak RSS over native's. ``fails: ...`` in a row means that
runner raised (the last line of its error).

One process's step time moves by up to a third from one run to the next on a shared
machine (tensorflow's native ResNet50 step read 197 ms, then 279 ms a minute later), so
``--rounds N`` runs every configuration N times, round-robin: a row's figures are then the
medians over the rounds, and a ratio is the median of the rounds' ratios (each measured
in one round, against the other runner's process of that round), its lowest and highest
in brackets.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

#: the runners of each backend, in table order
RUNNERS = {"jax": ["crossops", "native", "keras"],
           "torch": ["crossops", "crossops-compiled", "native", "native-compiled", "keras"],
           "tensorflow": ["crossops", "native", "keras"]}

#: how each runner is described in the tables
LABELS = {"crossops": "crossops fit", "keras": "Keras 3 fit",
          ("torch", "crossops"): "crossops fit (eager: the default)",
          ("torch", "crossops-compiled"): "crossops fit, jit_compile=True",
          ("jax", "native"): "native: jax + optax, jax.jit",
          ("torch", "native"): "native: torch eager + torch.optim",
          ("torch", "native-compiled"): "native: torch.compile(module) + torch.optim",
          ("tensorflow", "native"): "native: Keras layers, tf.function + GradientTape"}

#: the two sizes of each model
SIZES = {
    "full": {"resnet50": {"image": 64, "batch": 8, "classes": 1000, "lr": 1e-3},
             "bert": {"vocab": 30522, "hidden": 768, "layers": 12, "heads": 12,
                      "intermediate": 3072, "seq": 16, "batch": 4, "lr": 1e-4}},
    "quick": {"resnet50": {"image": 32, "batch": 2, "classes": 10, "lr": 1e-3},
              "bert": {"vocab": 1000, "hidden": 128, "layers": 2, "heads": 2,
                       "intermediate": 512, "seq": 16, "batch": 4, "lr": 1e-4}},
}

EPS = 1e-7  # Adam's epsilon, Keras's default, used by every runner


# -- data -----------------------------------------------------------------------------------

def batch_data(model: str, size: dict) -> tuple[np.ndarray, np.ndarray]:
    """One synthetic batch ``(x, y)`` for ``model`` (seeded, the same in every runner).

    Parameters
    ----------
    model : str
        ``"resnet50"`` (x: float32 (batch, image, image, 3)) or ``"bert"`` (x: int32 token
        ids (batch, seq)).
    size : dict
        The model's entry of :data:`SIZES`.

    Returns
    -------
    tuple of numpy.ndarray
        The inputs and the int32 class labels (batch,).
    """
    rng = np.random.default_rng(0)
    if model == "resnet50":
        x = rng.standard_normal((size["batch"], size["image"], size["image"], 3))
        return x.astype(np.float32), rng.integers(0, size["classes"], size["batch"]).astype(
            np.int32)
    x = rng.integers(0, size["vocab"], (size["batch"], size["seq"]))
    return x.astype(np.int32), rng.integers(0, 2, size["batch"]).astype(np.int32)


# -- crossops and Keras fit -------------------------------------------------------------------

def _timer_callback(base: type, record: dict) -> Any:
    """A callback of class ``base`` (crossops's or Keras's ``Callback``) that appends the
    time and the epoch's running mean loss at each batch end to ``record``."""

    class _Timer(base):
        def on_train_batch_end(self, batch, logs=None):
            record["mean_loss"].append(float(logs["loss"]))  # waits for the step
            record["times"].append(time.perf_counter())
    return _Timer()


def _fit_result(record: dict, start: float) -> dict:
    """First-step time, per-step times and first/last batch losses from a fit record (the
    batch loss is recovered from the running mean: ``k m_k - (k - 1) m_(k-1)``)."""
    times, means = record["times"], record["mean_loss"]
    step_losses = [means[0]] + [(k + 1) * means[k] - k * means[k - 1]
                                for k in range(1, len(means))]
    return {"first": times[0] - start, "steps": np.diff(times).tolist(),
            "loss0": step_losses[0], "loss": step_losses[-1]}


def crossops_fit(model: str, backend: str, size: dict, total: int,
                 jit_compile: bool | str = "auto") -> dict:
    """Train the crossops model with ``Model.fit`` for ``total`` steps on ``backend``."""
    import crossops
    from crossops import callbacks, layers, losses, models, optimizers
    from crossops.applications import ResNet50
    from crossops.applications.bert import BertConfig, BertModel

    with crossops.use_backend(backend):
        if model == "resnet50":
            net = ResNet50(weights=None, input_shape=(size["image"], size["image"], 3),
                           classes=size["classes"], classifier_activation=None)
        else:
            config = BertConfig(vocab_size=size["vocab"], hidden_size=size["hidden"],
                                num_hidden_layers=size["layers"],
                                num_attention_heads=size["heads"],
                                intermediate_size=size["intermediate"],
                                hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)

            class BertClassifier(models.Model):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
                    self.bert = BertModel(config, name="bert")
                    self.head = layers.Dense(2, name="head")

                def call(self, inputs, training=False):
                    return self.head(self.bert(inputs, training=training)["pooler_output"])
            net = BertClassifier(name="bert_classifier")
        net.compile(optimizer=optimizers.Adam(learning_rate=size["lr"], epsilon=EPS),
                    loss=losses.SparseCategoricalCrossentropy(from_logits=True),
                    jit_compile=jit_compile)
    x, y = batch_data(model, size)
    record = {"times": [], "mean_loss": []}
    timer = _timer_callback(callbacks.Callback, record)
    xs, ys = np.concatenate([x] * total), np.concatenate([y] * total)
    start = time.perf_counter()
    net.fit(xs, ys, batch_size=len(x), epochs=1, steps_per_epoch=total, shuffle=False,
            verbose=0, callbacks=[timer])
    return _fit_result(record, start)


def keras_model(model: str, size: dict) -> Any:
    """The Keras 3 model (on ``KERAS_BACKEND``): ``keras.applications.ResNet50`` or a
    BERT-base-shaped encoder written with Keras layers (crossops BertModel's architecture:
    word + position + token-type embeddings, LayerNorm, post-norm blocks of
    MultiHeadAttention and a GELU feed-forward, tanh pooler over the first token) with a
    ``Dense(2)`` head; logits out."""
    import keras

    if model == "resnet50":
        return keras.applications.ResNet50(weights=None,
                                           input_shape=(size["image"], size["image"], 3),
                                           classes=size["classes"], classifier_activation=None)
    hidden, heads = size["hidden"], size["heads"]
    init = keras.initializers.TruncatedNormal(stddev=0.02)

    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.attention = keras.layers.MultiHeadAttention(heads, hidden // heads,
                                                             kernel_initializer=init)
            self.norm1 = keras.layers.LayerNormalization(epsilon=1e-12)
            self.inner = keras.layers.Dense(size["intermediate"], kernel_initializer=init)
            self.outer = keras.layers.Dense(hidden, kernel_initializer=init)
            self.norm2 = keras.layers.LayerNormalization(epsilon=1e-12)

        def call(self, x):
            x = self.norm1(x + self.attention(x, x))
            h = keras.ops.gelu(self.inner(x), approximate=False)
            return self.norm2(x + self.outer(h))

    class BertClassifier(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.words = keras.layers.Embedding(size["vocab"], hidden,
                                                embeddings_initializer=init)
            self.positions = keras.layers.Embedding(512, hidden, embeddings_initializer=init)
            self.types = keras.layers.Embedding(2, hidden, embeddings_initializer=init)
            self.norm = keras.layers.LayerNormalization(epsilon=1e-12)
            self.blocks = [Block() for _ in range(size["layers"])]
            self.pooler = keras.layers.Dense(hidden, activation="tanh",
                                             kernel_initializer=init)
            self.head = keras.layers.Dense(2)

        def call(self, ids):
            positions = keras.ops.arange(keras.ops.shape(ids)[1])
            x = self.words(ids) + self.positions(positions)[None] + \
                self.types(keras.ops.zeros_like(ids))
            x = self.norm(x)
            for block in self.blocks:
                x = block(x)
            return self.head(self.pooler(x[:, 0]))
    net = BertClassifier()
    net(np.zeros((1, size["seq"]), np.int32))  # build
    return net


def keras_fit(model: str, backend: str, size: dict, total: int) -> dict:
    """Train the Keras 3 model with ``Model.fit`` for ``total`` steps."""
    import keras
    assert keras.backend.backend() == backend, (keras.backend.backend(), backend)
    net = keras_model(model, size)
    net.compile(optimizer=keras.optimizers.Adam(learning_rate=size["lr"], epsilon=EPS),
                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = batch_data(model, size)
    record = {"times": [], "mean_loss": []}
    timer = _timer_callback(keras.callbacks.Callback, record)
    xs, ys = np.concatenate([x] * total), np.concatenate([y] * total)
    start = time.perf_counter()
    net.fit(xs, ys, batch_size=len(x), epochs=1, steps_per_epoch=total, shuffle=False,
            verbose=0, callbacks=[timer])
    return _fit_result(record, start)


# -- native loops -------------------------------------------------------------------------------

def native_loop(step: Callable[[np.ndarray, np.ndarray], float], model: str, size: dict,
                total: int) -> dict:
    """Run ``step(x, y) -> float loss`` (one training step from NumPy data, waiting for
    its result) ``total`` times on the fixed batch and time it as the fit runners are."""
    x, y = batch_data(model, size)
    start = time.perf_counter()
    times, step_losses = [], []
    for _ in range(total):
        step_losses.append(step(x, y))
        times.append(time.perf_counter())
    return {"first": times[0] - start, "steps": np.diff(times).tolist(),
            "loss0": step_losses[0], "loss": step_losses[-1]}


def _jax_resnet(size: dict, key: Any) -> tuple[dict, dict, Callable]:
    """(params, batch-norm statistics, apply) of Keras's ResNet50 in jax.numpy / jax.lax;
    ``apply(params, stats, x) -> (logits, new stats)`` in training mode (batch statistics,
    moving averages updated with momentum 0.99, as Keras)."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    keys = iter(jax.random.split(key, 256))

    def conv(cin, cout, k):
        scale = np.sqrt(2.0 / (k * k * cin))
        return {"w": jax.random.normal(next(keys), (k, k, cin, cout)) * scale,
                "b": jnp.zeros(cout)}

    def bn(c):
        return {"g": jnp.ones(c), "b": jnp.zeros(c)}, {"m": jnp.zeros(c), "v": jnp.ones(c)}

    stages = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]
    params = {"stem": conv(3, 64, 7), "blocks": []}
    params["stem_bn"], stats = bn(64)
    stats = {"stem_bn": stats, "blocks": []}
    cin = 64
    for filters, count, _ in stages:
        for i in range(count):
            p, s = {}, {}
            for name, (a, b, k) in {"c1": (cin, filters, 1), "c2": (filters, filters, 3),
                                    "c3": (filters, 4 * filters, 1)}.items():
                p[name] = conv(a, b, k)
                p[name + "_bn"], s[name + "_bn"] = bn(b)
            if i == 0:
                p["c0"] = conv(cin, 4 * filters, 1)
                p["c0_bn"], s["c0_bn"] = bn(4 * filters)
            params["blocks"].append(p)
            stats["blocks"].append(s)
            cin = 4 * filters
    limit = np.sqrt(6.0 / (cin + size["classes"]))
    params["head"] = {"w": jax.random.uniform(next(keys), (cin, size["classes"]),
                                              minval=-limit, maxval=limit),
                      "b": jnp.zeros(size["classes"])}

    def apply_conv(p, x, stride, padding):
        y = lax.conv_general_dilated(x, p["w"], (stride, stride), padding,
                                     dimension_numbers=("NHWC", "HWIO", "NHWC"))
        return y + p["b"]

    def apply_bn(p, s, x):
        mean = jnp.mean(x, axis=(0, 1, 2))
        var = jnp.var(x, axis=(0, 1, 2))
        y = (x - mean) * lax.rsqrt(var + 1.001e-5) * p["g"] + p["b"]
        return y, {"m": 0.99 * s["m"] + 0.01 * mean, "v": 0.99 * s["v"] + 0.01 * var}

    def apply(params, stats, x):
        new = {"blocks": []}
        x = apply_conv(params["stem"], x, 2, ((3, 3), (3, 3)))
        x, new["stem_bn"] = apply_bn(params["stem_bn"], stats["stem_bn"], x)
        x = jax.nn.relu(x)
        x = lax.reduce_window(x, -jnp.inf, lax.max, (1, 3, 3, 1), (1, 2, 2, 1),
                              ((0, 0), (1, 1), (1, 1), (0, 0)))
        index = 0
        for _, count, stride in stages:
            for i in range(count):
                p, s, ns = params["blocks"][index], stats["blocks"][index], {}
                step = stride if i == 0 else 1
                shortcut = x
                if i == 0:
                    shortcut, ns["c0_bn"] = apply_bn(p["c0_bn"], s["c0_bn"],
                                                     apply_conv(p["c0"], x, step, "VALID"))
                h, ns["c1_bn"] = apply_bn(p["c1_bn"], s["c1_bn"],
                                          apply_conv(p["c1"], x, step, "VALID"))
                h, ns["c2_bn"] = apply_bn(p["c2_bn"], s["c2_bn"],
                                          apply_conv(p["c2"], jax.nn.relu(h), 1, "SAME"))
                h, ns["c3_bn"] = apply_bn(p["c3_bn"], s["c3_bn"],
                                          apply_conv(p["c3"], jax.nn.relu(h), 1, "VALID"))
                x = jax.nn.relu(h + shortcut)
                new["blocks"].append(ns)
                index += 1
        x = jnp.mean(x, axis=(1, 2))
        return x @ params["head"]["w"] + params["head"]["b"], new
    return params, stats, apply


def _jax_bert(size: dict, key: Any) -> tuple[dict, dict, Callable]:
    """(params, {} (no state), apply) of the BERT classifier in jax.numpy;
    ``apply(params, {}, ids) -> (logits, {})``."""
    import jax
    import jax.numpy as jnp

    keys = iter(jax.random.split(key, 16 * size["layers"] + 16))
    hidden, heads, inter = size["hidden"], size["heads"], size["intermediate"]

    def normal(shape):
        return jax.random.truncated_normal(next(keys), -2.0, 2.0, shape) * 0.02

    def dense(a, b):
        return {"w": normal((a, b)), "b": jnp.zeros(b)}

    def norm():
        return {"g": jnp.ones(hidden), "b": jnp.zeros(hidden)}

    params = {"words": normal((size["vocab"], hidden)), "positions": normal((512, hidden)),
              "types": normal((2, hidden)), "norm": norm(),
              "blocks": [{"q": dense(hidden, hidden), "k": dense(hidden, hidden),
                          "v": dense(hidden, hidden), "o": dense(hidden, hidden),
                          "norm1": norm(), "inner": dense(hidden, inter),
                          "outer": dense(inter, hidden), "norm2": norm()}
                         for _ in range(size["layers"])],
              "pooler": dense(hidden, hidden), "head": dense(hidden, 2)}

    def lin(p, x):
        return x @ p["w"] + p["b"]

    def layer_norm(p, x):
        mean = jnp.mean(x, axis=-1, keepdims=True)
        var = jnp.var(x, axis=-1, keepdims=True)
        return (x - mean) * jax.lax.rsqrt(var + 1e-12) * p["g"] + p["b"]

    def apply(params, stats, ids):
        batch, seq = ids.shape
        x = params["words"][ids] + params["positions"][:seq] + params["types"][0]
        x = layer_norm(params["norm"], x)
        for p in params["blocks"]:
            q, k, v = (lin(p[n], x).reshape(batch, seq, heads, hidden // heads)
                       for n in "qkv")
            scores = jnp.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(hidden // heads)
            context = jnp.einsum("bhqk,bkhd->bqhd", jax.nn.softmax(scores, axis=-1), v)
            x = layer_norm(p["norm1"], x + lin(p["o"], context.reshape(batch, seq, hidden)))
            h = jax.nn.gelu(lin(p["inner"], x), approximate=False)
            x = layer_norm(p["norm2"], x + lin(p["outer"], h))
        pooled = jnp.tanh(lin(params["pooler"], x[:, 0]))
        return lin(params["head"], pooled), stats
    return params, {}, apply


def jax_native(model: str, size: dict, total: int) -> dict:
    """The model written in jax, trained by a ``jax.jit`` step with optax's Adam."""
    import jax
    import jax.numpy as jnp
    import optax

    build = _jax_resnet if model == "resnet50" else _jax_bert
    params, stats, apply = build(size, jax.random.key(0))
    opt = optax.adam(size["lr"], eps=EPS)
    state = {"p": params, "s": stats, "o": opt.init(params)}

    def loss_fn(params, stats, x, y):
        logits, stats = apply(params, stats, x)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean(), stats

    # the state donated to the step, as careful jax code (and Keras's JAX trainer) does
    @functools.partial(jax.jit, donate_argnums=(0, 1, 2))
    def train_step(params, stats, opt_state, x, y):
        (value, stats), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, stats, x, y)
        updates, opt_state = opt.update(grads, opt_state, params)
        return value, optax.apply_updates(params, updates), stats, opt_state

    def step(x, y):
        value, state["p"], state["s"], state["o"] = train_step(
            state["p"], state["s"], state["o"], jnp.asarray(x), jnp.asarray(y))
        return float(value)
    return native_loop(step, model, size, total)


def _torch_resnet(size: dict) -> Any:
    """Keras's ResNet50 (v1: stride in the first 1x1 convolution, biased convolutions,
    batch-norm eps 1.001e-5 and momentum 0.99) as a ``torch.nn.Module`` on NCHW input."""
    import torch
    from torch import nn

    def conv_bn(cin, cout, k, stride=1):
        return nn.Sequential(nn.Conv2d(cin, cout, k, stride, padding=k // 2),
                             nn.BatchNorm2d(cout, eps=1.001e-5, momentum=0.01))

    class Bottleneck(nn.Module):
        def __init__(self, cin, filters, stride, project):
            super().__init__()
            self.body = nn.Sequential(conv_bn(cin, filters, 1, stride), nn.ReLU(),
                                      conv_bn(filters, filters, 3), nn.ReLU(),
                                      conv_bn(filters, 4 * filters, 1))
            self.shortcut = conv_bn(cin, 4 * filters, 1, stride) if project else nn.Identity()

        def forward(self, x):
            return torch.relu(self.body(x) + self.shortcut(x))

    modules: list = [conv_bn(3, 64, 7, 2), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1)]
    cin = 64
    for filters, count, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(count):
            modules.append(Bottleneck(cin, filters, stride if i == 0 else 1, i == 0))
            cin = 4 * filters
    modules += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, size["classes"])]
    return nn.Sequential(*modules)


def _torch_bert(size: dict) -> Any:
    """``transformers.BertModel`` of the configured shape (dropout 0) with a
    ``Linear(hidden, 2)`` head over its pooler output."""
    import torch
    import transformers

    config = transformers.BertConfig(vocab_size=size["vocab"], hidden_size=size["hidden"],
                                     num_hidden_layers=size["layers"],
                                     num_attention_heads=size["heads"],
                                     intermediate_size=size["intermediate"],
                                     hidden_dropout_prob=0.0,
                                     attention_probs_dropout_prob=0.0)

    class BertClassifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = transformers.BertModel(config)
            self.head = torch.nn.Linear(size["hidden"], 2)

        def forward(self, ids):
            return self.head(self.bert(input_ids=ids).pooler_output)
    return BertClassifier()


def torch_native(model: str, size: dict, total: int, compiled: bool) -> dict:
    """The torch model trained eagerly with torch.optim.Adam, the module under
    ``torch.compile`` when ``compiled`` (the optimizer step stays eager)."""
    import torch

    torch.manual_seed(0)
    net = _torch_resnet(size) if model == "resnet50" else _torch_bert(size)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=size["lr"], eps=EPS)
    forward = torch.compile(net) if compiled else net

    def step(x, y):
        if model == "resnet50":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))  # NHWC host data -> NCHW
            xt = torch.from_numpy(x)
        else:
            xt = torch.from_numpy(x).long()
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(forward(xt), torch.from_numpy(y).long())
        loss.backward()
        opt.step()
        return loss.item()
    return native_loop(step, model, size, total)


def tensorflow_native(model: str, size: dict, total: int) -> dict:
    """The Keras 3 model on tensorflow trained by a plain ``tf.function`` step:
    ``tf.GradientTape`` over the forward pass and Keras's Adam ``apply_gradients``."""
    import keras
    import tensorflow as tf
    assert keras.backend.backend() == "tensorflow", keras.backend.backend()

    net = keras_model(model, size)
    opt = keras.optimizers.Adam(learning_rate=size["lr"], epsilon=EPS)
    opt.build(net.trainable_variables)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = net(x, training=True)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        grads = tape.gradient(loss, net.trainable_variables)
        opt.apply_gradients(zip(grads, net.trainable_variables))
        return loss

    def step(x, y):
        return float(train_step(tf.convert_to_tensor(x), tf.convert_to_tensor(y)))
    return native_loop(step, model, size, total)


# -- one child, the parent ---------------------------------------------------------------------

def child(model: str, backend: str, runner: str, quick: bool, total: int) -> dict:
    """Run one configuration in this process and return its figures, with the peak RSS
    (MiB, ``ru_maxrss``) after the run."""
    size = SIZES["quick" if quick else "full"][model]
    if runner.startswith("crossops"):
        result = crossops_fit(model, backend, size, total,
                              jit_compile=True if runner == "crossops-compiled" else "auto")
    elif runner == "keras":
        result = keras_fit(model, backend, size, total)
    elif backend == "jax":
        result = jax_native(model, size, total)
    elif backend == "torch":
        result = torch_native(model, size, total, compiled=runner == "native-compiled")
    else:
        result = tensorflow_native(model, size, total)
    result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_child(model: str, backend: str, runner: str, args: argparse.Namespace) -> dict:
    """Run one configuration in a subprocess; ``{"error": ...}`` if it fails."""
    command = [sys.executable, os.path.abspath(__file__), "--child", model, backend, runner,
               "--steps", str(args.steps), "--warmup", str(args.warmup)]
    if args.quick:
        command.append("--quick")
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.timeout} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if args.verbose:
        print(done.stderr, file=sys.stderr)
    return {"error": lines[-1] if lines else f"exit status {done.returncode}"}


def _median_of(runs: list[dict], figure: Callable[[dict], float]) -> float:
    return statistics.median(figure(r) for r in runs)


def _step(r: dict) -> float:
    """The median step time (s) of one run."""
    return statistics.median(r["steps"])


def table(model: str, results: dict, args: argparse.Namespace) -> str:
    """The Markdown table of one model's results (``results[(backend, runner)]``: one run
    per round)."""
    head = ("| backend | runner | first step (s) | step (ms, median) | loss first -> last "
            "| peak RSS (MiB) | crossops / native (steps/s) | crossops / Keras (steps/s) "
            "| crossops / native (RSS) |")
    lines = [head, "|---|---|---:|---:|---|---:|---:|---:|---:|"]

    def ratio(ours: list[dict], theirs: list[dict], figure: Callable[[dict], float]) -> str:
        """The median over rounds of figure(ours) / figure(theirs), with its range."""
        each = [figure(a) / figure(b) for a, b in zip(ours, theirs)
                if "error" not in a and "error" not in b]
        if not each:
            return "-"
        text = f"{statistics.median(each):.2f}"
        return text + (f" ({min(each):.2f}-{max(each):.2f})" if len(each) > 1 else "")

    for backend in args.backends:
        rows = {runner: results.get((backend, runner)) for runner in RUNNERS[backend]}
        ok = {runner: runs and [r for r in runs if "error" not in r]
              for runner, runs in rows.items()}
        for runner, runs in rows.items():
            label = LABELS.get((backend, runner)) or LABELS[runner]
            if runs is None:
                continue
            if not ok[runner]:
                lines.append(f"| {backend} | {label} | fails: {runs[0]['error'][:300]} "
                             "| | | | | | |")
                continue
            good = ok[runner]
            cells = [f"{_median_of(good, lambda r: r['first']):.1f}",
                     f"{1000 * _median_of(good, _step):.1f}",
                     f"{good[0]['loss0']:.3g} -> {good[0]['loss']:.3g}",
                     f"{_median_of(good, lambda r: r['rss_mib']):.0f}"]
            ratios = ["", "", ""]
            if runner.startswith("crossops"):
                natives = [n for n in RUNNERS[backend] if n.startswith("native") and ok[n]]
                kinds = {n: (f" ({'compiled' if 'compiled' in n else 'eager'})"
                             if backend == "torch" else "") for n in natives}
                ratios[0] = " / ".join(ratio(rows[n], runs, _step) + kinds[n]
                                       for n in natives) or "-"
                ratios[1] = ratio(rows["keras"], runs, _step) if ok["keras"] else "-"
                ratios[2] = " / ".join(
                    ratio(runs, rows[n], lambda r: r["rss_mib"]) + kinds[n]
                    for n in natives) or "-"
            lines.append(f"| {backend} | {label} | " + " | ".join(cells + ratios) + " |")
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments; as ``--child`` run one configuration and print its figures as
    a ``RESULT {json}`` line, else run every configuration and print the tables."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny shapes, to check the script")
    p.add_argument("--models", nargs="*", default=["resnet50", "bert"],
                   choices=["resnet50", "bert"])
    p.add_argument("--backends", nargs="*", default=["jax", "torch", "tensorflow"],
                   choices=list(RUNNERS))
    p.add_argument("--runners", nargs="*", default=None,
                   help="only these runners (crossops, crossops-compiled, native, "
                        "native-compiled, keras)")
    p.add_argument("--steps", type=int, default=10, help="timed steps after the warmup")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps, the first included")
    p.add_argument("--rounds", type=int, default=1,
                   help="run every configuration this many times, round-robin (medians)")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per configuration")
    p.add_argument("--verbose", action="store_true", help="print a failing child's stderr")
    p.add_argument("--child", nargs=3, metavar=("MODEL", "BACKEND", "RUNNER"),
                   help=argparse.SUPPRESS)
    args = p.parse_args()
    total = args.warmup + args.steps
    if args.child:
        result = child(*args.child, args.quick, total)
        result["steps"] = result["steps"][args.warmup - 1:]  # the intervals after warmup
        print("RESULT " + json.dumps(result), flush=True)
        return
    print(f"{'quick' if args.quick else 'full'} sizes; {args.warmup} warmup + {args.steps} "
          f"timed steps; {os.cpu_count()} CPUs", flush=True)
    for model in args.models:
        results: dict[tuple[str, str], list[dict]] = {}
        for backend in args.backends:
            for k in range(args.rounds):
                for runner in RUNNERS[backend]:
                    if args.runners and runner not in args.runners:
                        continue
                    t = time.perf_counter()
                    r = run_child(model, backend, runner, args)
                    results.setdefault((backend, runner), []).append(r)
                    figures = (f" fails: {r['error']}" if "error" in r else
                               f" first step {r['first']:.1f} s, step "
                               f"{1000 * _step(r):.1f} ms, loss {r['loss0']:.3g} -> "
                               f"{r['loss']:.3g}, RSS {r['rss_mib']:.0f} MiB")
                    print(f"  {model} {backend} {runner} (round {k + 1}): "
                          f"{time.perf_counter() - t:.0f} s;" + figures, file=sys.stderr,
                          flush=True)
        size = SIZES["quick" if args.quick else "full"][model]
        print(f"\n### {model} {size}\n\n{table(model, results, args)}", flush=True)


if __name__ == "__main__":
    main()
