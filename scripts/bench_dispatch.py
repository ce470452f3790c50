"""Per-call dispatch overhead of crossops against the native function, per backend, on the
calls people make: 116 calls with keyword arguments (axis, keepdims, dtype), Python
scalars, lists of arrays, creation, indexing, Keras's math and core calls and nn ops
(softmax, relu, the activations, conv ...).

Each call runs on small arrays (32x32 float32; a 1x16x16x8 image for conv) through
``crossops.numpy`` / ``crossops.nn`` and through ``crossops.ops`` (Keras's signatures and
dtype rules) where Keras has the name; native and crossops calls are timed alternately in
one run (timeit; per block, the best of ten interleaved ~2 ms timings of each), and a ratio
is the median over blocks. nn calls have no NumPy native and are skipped there; torch's
conv is compared with ``F.conv2d`` on the same data in NCHW, as a torch user writes it.
Where keras.ops's dtype rule gives another result than the native call (int32 from
``argmax`` and ``arange``, a float ``one_hot``), the crossops.ops column is timed against
the native call that gives that result (``KERAS_NATIVE``: ``torch.argmax(...).to(int32)``,
``tf.argmax(..., output_type=tf.int32)``), checked once to give the same array. Prints a
Markdown table per call, then the median and the worst ratio per backend, and ``import
crossops`` in fresh interpreters.

``--namespace`` adds a column: the same call through a namespace pre-resolved for the
array type, in the manner of array-api-compat's ``array_namespace`` (issue 13): the user
code ``ns = namespace_of(a)`` once, then ``ns.add(a, b)``, where each attribute of ``ns``
is a pure-Python function (the op's own signature, the spec's) that checks what the
generated function would (the arrays' type, one dtype for promoted ops, axes that are
None, an int or a tuple of ints, no dtype to convert) and calls the backend function
resolved for that type; every other call takes crossops's general path. It measures
whether pure Python, without the per-call type lookup and without the C fronts, reaches
the budget (compare with a run under ``CROSSOPS_PURE_PYTHON=1``, where crossops.numpy's
calls are the generated Python functions). Each call's result is checked against
crossops's once.

    python scripts/bench_dispatch.py [--blocks 9] [--backend torch] [--namespace]
                                     [--only TEXT]
    (--backend and --only repeatable; --backends is the same option)
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import timeit
import types

import numpy as np

import crossops
import crossops.numpy as xnp
from crossops import core, nn
from crossops import image as ximage
from crossops import math as xmath
from crossops import ops as kops
from crossops._arguments import axis_params
from crossops._dispatch import FUNCTIONS, call_on, forwarding, native_dtype

BUDGET = {"numpy": 1.6, "jax": 1.15, "torch": 1.15, "tensorflow": 1.15}


#: the calls measured: (crossops statement, {backend: native statement}); ``xnp`` is
#: crossops.numpy, ``nn`` crossops.nn, ``xmath`` crossops.math and ``core`` crossops.core
#: (crossops.ops takes the same call with ``kops.``)
CALLS = [
    ("xnp.add(a, b)", {"numpy": "np.add(a, b)", "torch": "torch.add(a, b)",
                       "jax": "jnp.add(a, b)", "tensorflow": "tf.add(a, b)"}),
    ("xnp.add(a, 1.0)", {"numpy": "np.add(a, 1.0)", "torch": "torch.add(a, 1.0)",
                         "jax": "jnp.add(a, 1.0)", "tensorflow": "tf.add(a, 1.0)"}),
    ("xnp.multiply(a, 2)", {"numpy": "np.multiply(a, 2)", "torch": "torch.mul(a, 2)",
                            "jax": "jnp.multiply(a, 2)", "tensorflow": "tf.multiply(a, 2.0)"}),
    ("xnp.maximum(a, 0.0)", {"numpy": "np.maximum(a, 0.0)", "torch": "torch.clamp_min(a, 0.0)",
                             "jax": "jnp.maximum(a, 0.0)", "tensorflow": "tf.maximum(a, 0.0)"}),
    ("xnp.matmul(a, b)", {"numpy": "np.matmul(a, b)", "torch": "torch.matmul(a, b)",
                          "jax": "jnp.matmul(a, b)", "tensorflow": "tf.matmul(a, b)"}),
    ("xnp.einsum('ij,jk->ik', a, b)", {
        "numpy": "np.einsum('ij,jk->ik', a, b)", "torch": "torch.einsum('ij,jk->ik', a, b)",
        "jax": "jnp.einsum('ij,jk->ik', a, b)", "tensorflow": "tf.einsum('ij,jk->ik', a, b)"}),
    ("xnp.exp(a)", {"numpy": "np.exp(a)", "torch": "torch.exp(a)", "jax": "jnp.exp(a)",
                    "tensorflow": "tf.exp(a)"}),
    ("xnp.tanh(a)", {"numpy": "np.tanh(a)", "torch": "torch.tanh(a)", "jax": "jnp.tanh(a)",
                     "tensorflow": "tf.tanh(a)"}),
    ("xnp.abs(a)", {"numpy": "np.abs(a)", "torch": "torch.abs(a)", "jax": "jnp.abs(a)",
                    "tensorflow": "tf.abs(a)"}),
    ("xnp.square(a)", {"numpy": "np.square(a)", "torch": "torch.square(a)",
                       "jax": "jnp.square(a)", "tensorflow": "tf.square(a)"}),
    ("xnp.sum(a)", {"numpy": "np.sum(a)", "torch": "torch.sum(a)", "jax": "jnp.sum(a)",
                    "tensorflow": "tf.reduce_sum(a)"}),
    ("xnp.sum(a, axis=0)", {"numpy": "np.sum(a, axis=0)", "torch": "torch.sum(a, dim=0)",
                            "jax": "jnp.sum(a, axis=0)",
                            "tensorflow": "tf.reduce_sum(a, axis=0)"}),
    ("xnp.sum(a, axis=-1, keepdims=True)", {
        "numpy": "np.sum(a, axis=-1, keepdims=True)",
        "torch": "torch.sum(a, dim=-1, keepdim=True)",
        "jax": "jnp.sum(a, axis=-1, keepdims=True)",
        "tensorflow": "tf.reduce_sum(a, axis=-1, keepdims=True)"}),
    ("xnp.mean(a, axis=-1, keepdims=True)", {
        "numpy": "np.mean(a, axis=-1, keepdims=True)",
        "torch": "torch.mean(a, dim=-1, keepdim=True)",
        "jax": "jnp.mean(a, axis=-1, keepdims=True)",
        "tensorflow": "tf.reduce_mean(a, axis=-1, keepdims=True)"}),
    ("xnp.max(a, axis=1)", {"numpy": "np.max(a, axis=1)", "torch": "torch.amax(a, dim=1)",
                            "jax": "jnp.max(a, axis=1)",
                            "tensorflow": "tf.reduce_max(a, axis=1)"}),
    ("xnp.min(a)", {"numpy": "np.min(a)", "torch": "torch.amin(a)", "jax": "jnp.min(a)",
                    "tensorflow": "tf.reduce_min(a)"}),
    ("xnp.argmax(a, axis=-1)", {"numpy": "np.argmax(a, axis=-1)",
                                "torch": "torch.argmax(a, dim=-1)",
                                "jax": "jnp.argmax(a, axis=-1)",
                                "tensorflow": "tf.argmax(a, axis=-1)"}),
    ("xnp.var(a, axis=0)", {"numpy": "np.var(a, axis=0)",
                            "torch": "torch.var(a, dim=0, correction=0)",
                            "jax": "jnp.var(a, axis=0)",
                            "tensorflow": "tf.math.reduce_variance(a, axis=0)"}),
    ("xnp.std(a)", {"numpy": "np.std(a)", "torch": "torch.std(a, correction=0)",
                    "jax": "jnp.std(a)", "tensorflow": "tf.math.reduce_std(a)"}),
    ("xnp.cumsum(a, axis=0)", {"numpy": "np.cumsum(a, axis=0)",
                               "torch": "torch.cumsum(a, dim=0)",
                               "jax": "jnp.cumsum(a, axis=0)",
                               "tensorflow": "tf.cumsum(a, axis=0)"}),
    ("xnp.where(c, a, b)", {"numpy": "np.where(c, a, b)", "torch": "torch.where(c, a, b)",
                            "jax": "jnp.where(c, a, b)", "tensorflow": "tf.where(c, a, b)"}),
    ("xnp.where(c, a, 0.0)", {"numpy": "np.where(c, a, 0.0)",
                              "torch": "torch.where(c, a, 0.0)",
                              "jax": "jnp.where(c, a, 0.0)",
                              "tensorflow": "tf.where(c, a, 0.0)"}),
    ("xnp.clip(a, -1, 1)", {"numpy": "np.clip(a, -1, 1)", "torch": "torch.clamp(a, -1, 1)",
                            "jax": "jnp.clip(a, -1, 1)",
                            "tensorflow": "tf.clip_by_value(a, -1.0, 1.0)"}),
    ("xnp.reshape(a, (1024,))", {"numpy": "np.reshape(a, (1024,))",
                                 "torch": "torch.reshape(a, (1024,))",
                                 "jax": "jnp.reshape(a, (1024,))",
                                 "tensorflow": "tf.reshape(a, (1024,))"}),
    ("xnp.reshape(a, (-1, 16))", {"numpy": "np.reshape(a, (-1, 16))",
                                  "torch": "torch.reshape(a, (-1, 16))",
                                  "jax": "jnp.reshape(a, (-1, 16))",
                                  "tensorflow": "tf.reshape(a, (-1, 16))"}),
    ("xnp.permute_dims(a, (1, 0))", {"numpy": "np.permute_dims(a, (1, 0))",
                                     "torch": "torch.permute(a, (1, 0))",
                                     "jax": "jnp.permute_dims(a, (1, 0))",
                                     "tensorflow": "tf.transpose(a, (1, 0))"}),
    ("xnp.concatenate([a, b], axis=1)", {"numpy": "np.concatenate([a, b], axis=1)",
                                         "torch": "torch.cat([a, b], dim=1)",
                                         "jax": "jnp.concatenate([a, b], axis=1)",
                                         "tensorflow": "tf.concat([a, b], axis=1)"}),
    ("xnp.stack([a, b])", {"numpy": "np.stack([a, b])", "torch": "torch.stack([a, b])",
                           "jax": "jnp.stack([a, b])", "tensorflow": "tf.stack([a, b])"}),
    ("xnp.expand_dims(a, 0)", {"numpy": "np.expand_dims(a, 0)",
                               "torch": "torch.unsqueeze(a, 0)",
                               "jax": "jnp.expand_dims(a, 0)",
                               "tensorflow": "tf.expand_dims(a, 0)"}),
    ("xnp.squeeze(a3, axis=0)", {"numpy": "np.squeeze(a3, axis=0)",
                                 "torch": "torch.squeeze(a3, 0)",
                                 "jax": "jnp.squeeze(a3, axis=0)",
                                 "tensorflow": "tf.squeeze(a3, axis=0)"}),
    ("xnp.broadcast_to(v, (32, 32))", {"numpy": "np.broadcast_to(v, (32, 32))",
                                       "torch": "torch.broadcast_to(v, (32, 32))",
                                       "jax": "jnp.broadcast_to(v, (32, 32))",
                                       "tensorflow": "tf.broadcast_to(v, (32, 32))"}),
    ("xnp.astype(a, xnp.float16)", {"numpy": "a.astype(np.float16)",
                                    "torch": "a.to(torch.float16)",
                                    "jax": "a.astype(jnp.float16)",
                                    "tensorflow": "tf.cast(a, tf.float16)"}),
    ("xnp.take(a, i, axis=0)", {"numpy": "np.take(a, i, axis=0)",
                                "torch": "torch.index_select(a, 0, i)",
                                "jax": "jnp.take(a, i, axis=0)",
                                "tensorflow": "tf.gather(a, i, axis=0)"}),
    ("xnp.take_along_axis(a, j, axis=1)", {
        "numpy": "np.take_along_axis(a, j, axis=1)",
        "torch": "torch.take_along_dim(a, j, dim=1)",
        "jax": "jnp.take_along_axis(a, j, axis=1)",
        "tensorflow": "tf.gather(a, j, axis=1, batch_dims=1)"}),
    ("xnp.sort(a, axis=-1)", {"numpy": "np.sort(a, axis=-1)", "torch": "torch.sort(a)[0]",
                              "jax": "jnp.sort(a, axis=-1)", "tensorflow": "tf.sort(a)"}),
    ("xnp.zeros((32, 32))", {"numpy": "np.zeros((32, 32), np.float32)",
                             "torch": "torch.zeros((32, 32))",
                             "jax": "jnp.zeros((32, 32))",
                             "tensorflow": "tf.zeros((32, 32))"}),
    ("xnp.ones_like(a)", {"numpy": "np.ones_like(a)", "torch": "torch.ones_like(a)",
                          "jax": "jnp.ones_like(a)", "tensorflow": "tf.ones_like(a)"}),
    ("xnp.arange(32)", {"numpy": "np.arange(32)", "torch": "torch.arange(32)",
                        "jax": "jnp.arange(32)", "tensorflow": "tf.range(32)"}),
    ("xnp.mean(a)", {"numpy": "np.mean(a)", "torch": "torch.mean(a)", "jax": "jnp.mean(a)",
                     "tensorflow": "tf.reduce_mean(a)"}),
    ("xnp.any(c)", {"numpy": "np.any(c)", "torch": "torch.any(c)", "jax": "jnp.any(c)",
                    "tensorflow": "tf.reduce_any(c)"}),
    ("xnp.all(c, axis=0)", {"numpy": "np.all(c, axis=0)", "torch": "torch.all(c, dim=0)",
                            "jax": "jnp.all(c, axis=0)",
                            "tensorflow": "tf.reduce_all(c, axis=0)"}),
    ("xnp.greater(a, 0.0)", {"numpy": "np.greater(a, 0.0)", "torch": "torch.gt(a, 0.0)",
                             "jax": "jnp.greater(a, 0.0)", "tensorflow": "tf.greater(a, 0.0)"}),
    ("xnp.equal(a, b)", {"numpy": "np.equal(a, b)", "torch": "torch.eq(a, b)",
                         "jax": "jnp.equal(a, b)", "tensorflow": "tf.equal(a, b)"}),
    ("xnp.logical_and(c, c)", {"numpy": "np.logical_and(c, c)",
                               "torch": "torch.logical_and(c, c)",
                               "jax": "jnp.logical_and(c, c)",
                               "tensorflow": "tf.logical_and(c, c)"}),
    ("xnp.isnan(a)", {"numpy": "np.isnan(a)", "torch": "torch.isnan(a)", "jax": "jnp.isnan(a)",
                      "tensorflow": "tf.math.is_nan(a)"}),
    ("xnp.sqrt(a)", {"numpy": "np.sqrt(a)", "torch": "torch.sqrt(a)", "jax": "jnp.sqrt(a)",
                     "tensorflow": "tf.sqrt(a)"}),
    ("xnp.expand_dims(a, axis=0)", {"numpy": "np.expand_dims(a, axis=0)",
                                    "torch": "torch.unsqueeze(a, 0)",
                                    "jax": "jnp.expand_dims(a, axis=0)",
                                    "tensorflow": "tf.expand_dims(a, axis=0)"}),
    ("xnp.transpose(a)", {"numpy": "np.transpose(a)", "torch": "torch.transpose(a, 0, 1)",
                          "jax": "jnp.transpose(a)", "tensorflow": "tf.transpose(a)"}),
    ("xnp.dot(v, v)", {"numpy": "np.dot(v, v)", "torch": "torch.dot(v, v)",
                       "jax": "jnp.dot(v, v)", "tensorflow": "tf.tensordot(v, v, 1)"}),
    ("xnp.dot(a, v)", {"numpy": "np.dot(a, v)", "torch": "torch.matmul(a, v)",
                       "jax": "jnp.dot(a, v)", "tensorflow": "tf.linalg.matvec(a, v)"}),
    ("xnp.divide(a, b)", {"numpy": "np.divide(a, b)", "torch": "torch.div(a, b)",
                          "jax": "jnp.divide(a, b)", "tensorflow": "tf.divide(a, b)"}),
    ("xnp.negative(a)", {"numpy": "np.negative(a)", "torch": "torch.neg(a)",
                         "jax": "jnp.negative(a)", "tensorflow": "tf.negative(a)"}),
    ("xnp.floor(a)", {"numpy": "np.floor(a)", "torch": "torch.floor(a)", "jax": "jnp.floor(a)",
                      "tensorflow": "tf.floor(a)"}),
    ("xnp.power(a, 2)", {"numpy": "np.power(a, 2)", "torch": "torch.pow(a, 2)",
                         "jax": "jnp.power(a, 2)", "tensorflow": "tf.pow(a, 2.0)"}),
    ("xnp.sign(a)", {"numpy": "np.sign(a)", "torch": "torch.sign(a)", "jax": "jnp.sign(a)",
                     "tensorflow": "tf.sign(a)"}),
    ("xnp.linalg.norm(a, axis=-1)", {"numpy": "np.linalg.norm(a, axis=-1)",
                                     "torch": "torch.linalg.vector_norm(a, dim=-1)",
                                     "jax": "jnp.linalg.norm(a, axis=-1)",
                                     "tensorflow": "tf.norm(a, axis=-1)"}),
    ("xnp.linalg.vector_norm(a, axis=-1)", {
        "numpy": "np.linalg.vector_norm(a, axis=-1)",
        "torch": "torch.linalg.vector_norm(a, dim=-1)",
        "jax": "jnp.linalg.vector_norm(a, axis=-1)", "tensorflow": "tf.norm(a, axis=-1)"}),
    ("xnp.power(a, 0.5)", {"numpy": "np.power(a, 0.5)", "torch": "torch.pow(a, 0.5)",
                           "jax": "jnp.power(a, 0.5)", "tensorflow": "tf.pow(a, 0.5)"}),
    ("xnp.true_divide(a, b)", {"numpy": "np.true_divide(a, b)", "torch": "torch.true_divide(a, b)",
                               "jax": "jnp.true_divide(a, b)", "tensorflow": "tf.divide(a, b)"}),
    ("xnp.sum(a, axis=(0, 1))", {"numpy": "np.sum(a, axis=(0, 1))",
                                 "torch": "torch.sum(a, (0, 1))",
                                 "jax": "jnp.sum(a, axis=(0, 1))",
                                 "tensorflow": "tf.reduce_sum(a, axis=(0, 1))"}),
    ("xnp.mean(a3, axis=(1, 2))", {"numpy": "np.mean(a3, axis=(1, 2))",
                                   "torch": "torch.mean(a3, (1, 2))",
                                   "jax": "jnp.mean(a3, axis=(1, 2))",
                                   "tensorflow": "tf.reduce_mean(a3, axis=(1, 2))"}),
    ("xnp.argmin(a)", {"numpy": "np.argmin(a)", "torch": "torch.argmin(a)",
                       "jax": "jnp.argmin(a)", "tensorflow": "tf.argmin(tf.reshape(a, [-1]))"}),
    # (stably, as crossops's argsort by default: jax's default, NumPy's kind='stable')
    ("xnp.argsort(a, axis=-1)", {"numpy": "np.argsort(a, axis=-1, kind='stable')",
                                 "torch": "torch.argsort(a, dim=-1, stable=True)",
                                 "jax": "jnp.argsort(a, axis=-1)",
                                 "tensorflow": "tf.argsort(a, axis=-1, stable=True)"}),
    ("xnp.full_like(a, 2.0)", {"numpy": "np.full_like(a, 2.0)",
                               "torch": "torch.full_like(a, 2.0)",
                               "jax": "jnp.full_like(a, 2.0)",
                               "tensorflow": "tf.fill(tf.shape(a), 2.0)"}),
    ("xnp.astype(a, 'float16')", {"numpy": "a.astype('float16')",
                                  "torch": "a.to(torch.float16)",
                                  "jax": "a.astype('float16')",
                                  "tensorflow": "tf.cast(a, 'float16')"}),
    ("xnp.pad(a, 1)", {"numpy": "np.pad(a, 1)", "torch": "F.pad(a, (1, 1, 1, 1))",
                       "jax": "jnp.pad(a, 1)", "tensorflow": "tf.pad(a, [[1, 1], [1, 1]])"}),
    ("xnp.transpose(a3, (0, 2, 1))", {"numpy": "np.transpose(a3, (0, 2, 1))",
                                     "torch": "torch.permute(a3, (0, 2, 1))",
                                     "jax": "jnp.transpose(a3, (0, 2, 1))",
                                     "tensorflow": "tf.transpose(a3, (0, 2, 1))"}),
    ("xnp.transpose(a3)", {"numpy": "np.transpose(a3)", "torch": "torch.permute(a3, (2, 1, 0))",
                           "jax": "jnp.transpose(a3)", "tensorflow": "tf.transpose(a3)"}),
    ("xnp.matrix_transpose(a3)", {"numpy": "np.matrix_transpose(a3)", "torch": "a3.mT",
                                  "jax": "jnp.matrix_transpose(a3)",
                                  "tensorflow": "tf.linalg.matrix_transpose(a3)"}),
    ("xnp.swapaxes(a3, 1, 2)", {"numpy": "np.swapaxes(a3, 1, 2)",
                                "torch": "torch.transpose(a3, 1, 2)",
                                "jax": "jnp.swapaxes(a3, 1, 2)",
                                "tensorflow": "tf.transpose(a3, (0, 2, 1))"}),
    ("xnp.moveaxis(a3, 0, -1)", {"numpy": "np.moveaxis(a3, 0, -1)",
                                 "torch": "torch.movedim(a3, 0, -1)",
                                 "jax": "jnp.moveaxis(a3, 0, -1)",
                                 "tensorflow": "tf.transpose(a3, (1, 2, 0))"}),
    ("xnp.flip(a, axis=0)", {"numpy": "np.flip(a, axis=0)", "torch": "torch.flip(a, (0,))",
                             "jax": "jnp.flip(a, axis=0)", "tensorflow": "tf.reverse(a, [0])"}),
    ("xnp.roll(a, 1, axis=0)", {"numpy": "np.roll(a, 1, axis=0)",
                                "torch": "torch.roll(a, 1, 0)",
                                "jax": "jnp.roll(a, 1, axis=0)",
                                "tensorflow": "tf.roll(a, 1, axis=0)"}),
    ("xnp.repeat(a, 2, axis=0)", {"numpy": "np.repeat(a, 2, axis=0)",
                                  "torch": "torch.repeat_interleave(a, 2, dim=0)",
                                  "jax": "jnp.repeat(a, 2, axis=0)",
                                  "tensorflow": "tf.repeat(a, 2, axis=0)"}),
    ("xnp.tile(a, (2, 1))", {"numpy": "np.tile(a, (2, 1))", "torch": "torch.tile(a, (2, 1))",
                             "jax": "jnp.tile(a, (2, 1))", "tensorflow": "tf.tile(a, (2, 1))"}),
    ("xnp.split(a, 2, axis=1)", {"numpy": "np.split(a, 2, axis=1)",
                                 # (torch.chunk makes tensor_split's equal pieces faster)
                                 "torch": "torch.chunk(a, 2, dim=1)",
                                 "jax": "jnp.split(a, 2, axis=1)",
                                 "tensorflow": "tf.split(a, 2, axis=1)"}),
    ("xnp.triu(a)", {"numpy": "np.triu(a)", "torch": "torch.triu(a)", "jax": "jnp.triu(a)",
                     "tensorflow": "tf.linalg.band_part(a, 0, -1)"}),
    ("xnp.outer(v, v)", {"numpy": "np.outer(v, v)", "torch": "torch.outer(v, v)",
                         "jax": "jnp.outer(v, v)", "tensorflow": "tf.tensordot(v, v, 0)"}),
    ("xnp.asarray(a)", {"numpy": "np.asarray(a)", "torch": "torch.as_tensor(a)",
                        "jax": "jnp.asarray(a)", "tensorflow": "tf.convert_to_tensor(a)"}),
    ("xnp.full((32, 32), 2.0)", {"numpy": "np.full((32, 32), 2.0, np.float32)",
                                 "torch": "torch.full((32, 32), 2.0)",
                                 "jax": "jnp.full((32, 32), 2.0)",
                                 "tensorflow": "tf.fill((32, 32), 2.0)"}),
    ("xnp.eye(32)", {"numpy": "np.eye(32, dtype=np.float32)", "torch": "torch.eye(32)",
                     "jax": "jnp.eye(32)", "tensorflow": "tf.eye(32)"}),
    ("xnp.linspace(0, 1, 32)", {"numpy": "np.linspace(0, 1, 32)",
                                "torch": "torch.linspace(0, 1, 32)",
                                "jax": "jnp.linspace(0, 1, 32)",
                                "tensorflow": "tf.linspace(0.0, 1.0, 32)"}),
    ("xnp.nan_to_num(a)", {"numpy": "np.nan_to_num(a)", "torch": "torch.nan_to_num(a)",
                           "jax": "jnp.nan_to_num(a)",
                           "tensorflow": "tf.clip_by_value(tf.where(tf.math.is_nan(a), 0.0, "
                                         "a), a.dtype.min, a.dtype.max)"}),
    ("xnp.diag(v)", {"numpy": "np.diag(v)", "torch": "torch.diag(v)", "jax": "jnp.diag(v)",
                     "tensorflow": "tf.linalg.diag(v)"}),
    ("xnp.cumprod(a, axis=0)", {"numpy": "np.cumprod(a, axis=0)",
                                "torch": "torch.cumprod(a, 0)",
                                "jax": "jnp.cumprod(a, axis=0)",
                                "tensorflow": "tf.math.cumprod(a, axis=0)"}),
    ("xnp.trace(a)", {"numpy": "np.trace(a)", "torch": "torch.trace(a)", "jax": "jnp.trace(a)",
                      "tensorflow": "tf.linalg.trace(a)"}),
    ("nn.relu(a)", {"torch": "torch.relu(a)", "jax": "jax.nn.relu(a)",
                    "tensorflow": "tf.nn.relu(a)"}),
    ("nn.sigmoid(a)", {"torch": "torch.sigmoid(a)", "jax": "jax.nn.sigmoid(a)",
                       "tensorflow": "tf.sigmoid(a)"}),
    ("nn.gelu(a)", {"torch": "F.gelu(a, approximate='tanh')", "jax": "jax.nn.gelu(a)",
                    "tensorflow": "tf.nn.gelu(a, approximate=True)"}),
    ("nn.silu(a)", {"torch": "F.silu(a)", "jax": "jax.nn.silu(a)",
                    "tensorflow": "tf.nn.silu(a)"}),
    ("nn.softmax(a, axis=-1)", {"torch": "torch.softmax(a, -1)",
                                "jax": "jax.nn.softmax(a, axis=-1)",
                                "tensorflow": "tf.nn.softmax(a, axis=-1)"}),
    ("nn.log_softmax(a, axis=-1)", {"torch": "F.log_softmax(a, -1)",
                                    "jax": "jax.nn.log_softmax(a, axis=-1)",
                                    "tensorflow": "tf.nn.log_softmax(a, axis=-1)"}),
    ("nn.relu6(a)", {"torch": "F.relu6(a)", "jax": "jax.nn.relu6(a)",
                     "tensorflow": "tf.nn.relu6(a)"}),
    ("nn.leaky_relu(a)", {"torch": "F.leaky_relu(a, 0.2)", "jax": "jax.nn.leaky_relu(a, 0.2)",
                          "tensorflow": "tf.nn.leaky_relu(a, 0.2)"}),
    ("nn.elu(a)", {"torch": "F.elu(a)", "jax": "jax.nn.elu(a)", "tensorflow": "tf.nn.elu(a)"}),
    ("nn.selu(a)", {"torch": "F.selu(a)", "jax": "jax.nn.selu(a)",
                    "tensorflow": "tf.nn.selu(a)"}),
    ("nn.celu(a)", {"torch": "F.celu(a)", "jax": "jax.nn.celu(a)"}),
    ("nn.softplus(a)", {"torch": "F.softplus(a)", "jax": "jax.nn.softplus(a)",
                        "tensorflow": "tf.nn.softplus(a)"}),
    ("nn.log_sigmoid(a)", {"torch": "F.logsigmoid(a)", "jax": "jax.nn.log_sigmoid(a)",
                           "tensorflow": "tf.math.log_sigmoid(a)"}),
    ("nn.hard_sigmoid(a)", {"torch": "F.hardsigmoid(a)", "jax": "jax.nn.hard_sigmoid(a)",
                            "tensorflow": "tf.nn.relu6(a + 3.0) / 6.0"}),
    ("nn.hard_silu(a)", {"torch": "F.hardswish(a)", "jax": "jax.nn.hard_silu(a)",
                         "tensorflow": "a * (tf.nn.relu6(a + 3.0) / 6.0)"}),
    ("nn.softsign(a)", {"torch": "F.softsign(a)", "jax": "jax.nn.soft_sign(a)",
                        "tensorflow": "tf.nn.softsign(a)"}),
    ("nn.swish(a)", {"torch": "F.silu(a)", "jax": "jax.nn.swish(a)",
                     "tensorflow": "tf.nn.silu(a)"}),
    ("nn.glu(a)", {"torch": "F.glu(a)", "jax": "jax.nn.glu(a)",
                   "tensorflow": "(lambda h: h[0] * tf.sigmoid(h[1]))(tf.split(a, 2, -1))"}),
    ("nn.layer_normalization(a, g, bt)", {
        "torch": "F.layer_norm(a, (32,), g, bt, 1e-7)",
        "jax": "(a - a.mean(-1, keepdims=True)) * jax.lax.rsqrt(a.var(-1, keepdims=True) "
               "+ 1e-7) * g + bt",
        "tensorflow": "tf.nn.batch_normalization(a, *tf.nn.moments(a, [-1], keepdims=True), "
                      "bt, g, 1e-7)"}),
    ("xmath.logsumexp(a, axis=-1)", {"numpy": "(lambda m: np.log(np.exp(a - m).sum(-1)) "
                                              "+ m[:, 0])(a.max(-1, keepdims=True))",
                                     "torch": "torch.logsumexp(a, -1)",
                                     "jax": "jax.nn.logsumexp(a, axis=-1)",
                                     "tensorflow": "tf.reduce_logsumexp(a, axis=-1)"}),
    ("xmath.top_k(a, 4)", {"torch": "torch.topk(a, 4)", "jax": "jax.lax.top_k(a, 4)",
                           "tensorflow": "tf.math.top_k(a, 4)"}),
    ("core.slice(a, (0, 0), (8, 8))", {"numpy": "a[0:8, 0:8]", "torch": "a[0:8, 0:8]",
                                       "jax": "jax.lax.slice(a, (0, 0), (8, 8))",
                                       "tensorflow": "tf.slice(a, (0, 0), (8, 8))"}),
    ("core.slice_update(a, (0, 0), u)", {
        "numpy": "o = a.copy(); o[0:8, 0:8] = u", "torch": "o = a.clone(); o[0:8, 0:8] = u",
        "jax": "jax.lax.dynamic_update_slice(a, u, (0, 0))",
        "tensorflow": "tf.raw_ops.TensorStridedSliceUpdate(input=a, begin=[0, 0], "
                      "end=[8, 8], strides=[1, 1], value=u)"}),
    ("xmath.erf(a)", {"torch": "torch.erf(a)", "jax": "jax.lax.erf(a)",
                      "tensorflow": "tf.math.erf(a)"}),
    ("xmath.in_top_k(i, a, 4)", {"tensorflow": "tf.math.in_top_k(i, a, 4)"}),
    ("xnp.floor_divide(a, b)", {"numpy": "np.floor_divide(a, b)",
                                "torch": "torch.floor_divide(a, b)",
                                "jax": "jnp.floor_divide(a, b)",
                                "tensorflow": "tf.math.floordiv(a, b)"}),
    ("xnp.isclose(a, b)", {"numpy": "np.isclose(a, b)", "torch": "torch.isclose(a, b)",
                           "jax": "jnp.isclose(a, b)",
                           "tensorflow": "tf.abs(a - b) <= 1e-8 + 1e-5 * tf.abs(b)"}),
    ("xnp.median(a, axis=0)", {"numpy": "np.median(a, axis=0)",
                               "torch": "torch.quantile(a, 0.5, dim=0)",
                               "jax": "jnp.median(a, axis=0)"}),
    ("xnp.mod(a, b)", {"numpy": "np.mod(a, b)", "torch": "torch.remainder(a, b)",
                       "jax": "jnp.mod(a, b)", "tensorflow": "tf.math.floormod(a, b)"}),
    ("xnp.digitize(a, e)", {"numpy": "np.digitize(a, e)",
                            "torch": "torch.bucketize(a, e, right=True)",
                            "jax": "jnp.digitize(a, e)",
                            "tensorflow": "tf.reshape(tf.searchsorted(e, tf.reshape(a, [-1]), "
                                          "side='right'), (32, 32))"}),
    ("xnp.quantile(a, 0.25, axis=-1)", {"numpy": "np.quantile(a, 0.25, axis=-1)",
                                        "torch": "torch.quantile(a, 0.25, dim=-1)",
                                        "jax": "jnp.quantile(a, 0.25, axis=-1)"}),
    ("xnp.nonzero(c)", {"numpy": "np.nonzero(c)", "torch": "torch.nonzero(c, as_tuple=True)",
                        "jax": "jnp.nonzero(c)", "tensorflow": "tf.unstack(tf.where(c), axis=1)"}),
    ("xnp.logspace(0, 2, 32)", {"numpy": "np.logspace(0, 2, 32)",
                                "torch": "torch.logspace(0, 2, 32)",
                                "jax": "jnp.logspace(0, 2, 32)",
                                "tensorflow": "tf.pow(10.0, tf.linspace(0.0, 2.0, 32))"}),
    ("xnp.mean(c)", {"numpy": "np.mean(c)", "torch": "c.float().mean()",
                     "jax": "jnp.mean(c)",
                     "tensorflow": "tf.reduce_mean(tf.cast(c, tf.float32))"}),
    ("xnp.unique(i)", {"numpy": "np.unique(i)", "torch": "torch.unique(i)",
                       "jax": "jnp.unique(i)"}),
    ("xnp.interp(v, e, e)", {"numpy": "np.interp(v, e, e)", "jax": "jnp.interp(v, e, e)"}),
    ("xnp.bincount(i)", {"numpy": "np.bincount(i)", "torch": "torch.bincount(i)",
                         "jax": "jnp.bincount(i)"}),
    ("xnp.nansum(a)", {"numpy": "np.nansum(a)", "torch": "torch.nansum(a)",
                       "jax": "jnp.nansum(a)"}),
    ("xnp.nanmean(a, axis=0)", {"numpy": "np.nanmean(a, axis=0)",
                                "torch": "torch.nanmean(a, 0)",
                                "jax": "jnp.nanmean(a, axis=0)"}),
    ("xnp.cross(w, w)", {"numpy": "np.cross(w, w)", "torch": "torch.linalg.cross(w, w)",
                         "jax": "jnp.cross(w, w)", "tensorflow": "tf.linalg.cross(w, w)"}),
    ("xnp.linalg.norm(a)", {"numpy": "np.linalg.norm(a)", "torch": "torch.linalg.norm(a)",
                            "jax": "jnp.linalg.norm(a)", "tensorflow": "tf.norm(a)"}),
    ("xnp.linalg.solve(m, b)", {"numpy": "np.linalg.solve(m, b)",
                                "torch": "torch.linalg.solve(m, b)",
                                "jax": "jnp.linalg.solve(m, b)",
                                "tensorflow": "tf.linalg.solve(m, b)"}),
    ("xmath.segment_sum(a, s, num_segments=4)", {
        "torch": "torch.zeros(4, 32).index_add_(0, s, a)",
        "jax": "jax.ops.segment_sum(a, s, 4)",
        "tensorflow": "tf.math.unsorted_segment_sum(a, s, 4)"}),
    ("nn.max_pool(x, 2, 2)", {"torch": "F.max_pool2d(x_nchw, 2, 2)",
                              "jax": "jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, "
                                     "(1, 2, 2, 1), (1, 2, 2, 1), 'VALID')",
                              "tensorflow": "tf.nn.max_pool2d(x, 2, 2, 'VALID')"}),
    ("nn.average_pool(x, 2, 2)", {"torch": "F.avg_pool2d(x_nchw, 2, 2)",
                                  "tensorflow": "tf.nn.avg_pool2d(x, 2, 2, 'VALID')"}),
    ("nn.sparse_categorical_crossentropy(i, a, from_logits=True)", {
        "torch": "F.cross_entropy(a, i, reduction='none')",
        "jax": "-jnp.take_along_axis(jax.nn.log_softmax(a), i[:, None], -1)[:, 0]",
        "tensorflow": "tf.nn.sparse_softmax_cross_entropy_with_logits(i, a)"}),
    # (a third survey's calls: the second's leftovers)
    ("ximage.resize(x, (32, 32))", {
        "torch": "F.interpolate(x_nchw, size=(32, 32), mode='bilinear')",
        "jax": "jax.image.resize(x, (1, 32, 32, 8), 'bilinear')",
        "tensorflow": "tf.image.resize(x, (32, 32))"}),
    ("xnp.linalg.cholesky(m)", {"numpy": "np.linalg.cholesky(m)",
                                "torch": "torch.linalg.cholesky(m)",
                                "jax": "jnp.linalg.cholesky(m)",
                                "tensorflow": "tf.linalg.cholesky(m)"}),
    ("xnp.linalg.det(m)", {"numpy": "np.linalg.det(m)", "torch": "torch.linalg.det(m)",
                           "jax": "jnp.linalg.det(m)", "tensorflow": "tf.linalg.det(m)"}),
    ("xnp.argpartition(v, 3)", {"numpy": "np.argpartition(v, 3)",
                                "jax": "jnp.argpartition(v, 3)"}),
    ("xnp.allclose(a, b)", {"numpy": "np.allclose(a, b)", "torch": "torch.allclose(a, b)",
                            "jax": "jnp.allclose(a, b)"}),
    ("xnp.argwhere(c)", {"numpy": "np.argwhere(c)", "torch": "torch.argwhere(c)",
                         "jax": "jnp.argwhere(c)", "tensorflow": "tf.where(c)"}),
    ("xnp.clip(a, lo, hi)", {"numpy": "np.clip(a, lo, hi)", "torch": "torch.clamp(a, lo, hi)",
                             "jax": "jnp.clip(a, lo, hi)",
                             "tensorflow": "tf.clip_by_value(a, lo, hi)"}),
    ("nn.one_hot(i, 32)", {"torch": "F.one_hot(i, 32)", "jax": "jax.nn.one_hot(i, 32)",
                           "tensorflow": "tf.one_hot(i, 32)"}),
    ("nn.conv(x, kern, padding='same')", {
        "torch": "F.conv2d(x_nchw, kern_oihw, padding='same')",
        "jax": "jax.lax.conv_general_dilated(x, kern, (1, 1), 'SAME', "
               "dimension_numbers=('NHWC', 'HWIO', 'NHWC'))",
        "tensorflow": "tf.nn.conv2d(x, kern, 1, 'SAME')"}),
]


#: the native statement that gives keras.ops's result, where keras.ops's dtype rule gives
#: another dtype than the call's native statement above (Keras's int32 indices and
#: ``arange``, its float ``one_hot``): the crossops.ops column is timed against it (the
#: same result, checked once), the crossops.numpy column against the statement above
KERAS_NATIVE = {
    "xnp.argmax(a, axis=-1)": {"numpy": "np.argmax(a, axis=-1).astype(np.int32)",
                               "torch": "torch.argmax(a, dim=-1).to(torch.int32)",
                               "tensorflow": "tf.argmax(a, axis=-1, output_type=tf.int32)"},
    "xnp.arange(32)": {"numpy": "np.arange(32, dtype=np.int32)",
                       "torch": "torch.arange(32, dtype=torch.int32)"},
    "xnp.argmin(a)": {"numpy": "np.argmin(a).astype(np.int32)",
                      "torch": "torch.argmin(a).to(torch.int32)",
                      "tensorflow": "tf.argmin(tf.reshape(a, [-1]), output_type=tf.int32)"},
    "xnp.argsort(a, axis=-1)": {
        "numpy": "np.argsort(a, axis=-1, kind='stable').astype(np.int32)",
        "torch": "torch.argsort(a, dim=-1, stable=True).to(torch.int32)"},
    "nn.one_hot(i, 32)": {"torch": "F.one_hot(i, 32).to(torch.float32)"},
    # (Keras's floatx, float32, where NumPy's linspace makes float64)
    "xnp.linspace(0, 1, 32)": {"numpy": "np.linspace(0, 1, 32, dtype=np.float32)"},
}


NATIVE_MODULES = {"numpy": "import numpy as np",
                  "torch": "import torch; import torch.nn.functional as F",
                  "jax": "import jax; import jax.numpy as jnp",
                  "tensorflow": "import tensorflow as tf"}


def arrays(backend) -> dict:
    """The arguments, made once as arrays of ``backend`` (integer indices as the native
    functions want them: int64 on torch, int32 elsewhere)."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((2, 32, 32)).astype(np.float32)
    img = rng.standard_normal((1, 16, 16, 8)).astype(np.float32)
    kern = rng.standard_normal((3, 3, 8, 8)).astype(np.float32)
    index = np.int64 if backend == "torch" else np.int32
    host = {"a": x, "b": y, "c": x > 0, "a3": x[None], "v": x[0],
            "i": rng.integers(0, 32, 32).astype(index),
            "j": rng.integers(0, 32, (32, 32)).astype(index),
            "x": img, "kern": kern, "x_nchw": img.transpose(0, 3, 1, 2).copy(),
            "kern_oihw": kern.transpose(3, 2, 0, 1).copy(),
            "g": rng.standard_normal(32).astype(np.float32),
            "bt": rng.standard_normal(32).astype(np.float32),
            "u": y[:8, :8].copy(), "e": np.linspace(-2, 2, 9, dtype=np.float32),
            "w": x[:, :3].copy(), "s": np.repeat(np.arange(4), 8).astype(index),
            "m": (x @ x.T + 32 * np.eye(32)).astype(np.float32),
            "lo": -np.abs(y), "hi": np.abs(y)}
    if backend == "numpy":
        return host
    make = {"torch": "torch.from_numpy", "jax": "jax.numpy.asarray",
            "tensorflow": "tensorflow.constant"}[backend]
    module, _, name = make.rpartition(".")
    mk = getattr(importlib.import_module(module), name)
    return {k: mk(v) for k, v in host.items()}


# ---------------------------------------------------------------------------------------
# a namespace pre-resolved per array type (--namespace)

class PreResolved:
    """The ops for arrays of one type (``namespace_of(x)``): each attribute, made on first
    use, is a Python function of the op's own signature whose common call goes straight
    to the backend function resolved once for that type (see :func:`_pre_resolved`)."""

    def __init__(self, array_type: type, backend: str):
        self._type = array_type
        self._backend = backend

    def __getattr__(self, name: str):
        public = getattr(_module_of(name), name)
        fn = _pre_resolved(FUNCTIONS[public], self._type, self._backend)
        setattr(self, name, fn)
        return fn


#: the modules of the bench's statements, by the name they go by there
MODULES = {"xnp": xnp, "nn": nn, "xmath": xmath, "core": core, "ximage": ximage}


def _module_of(name: str):
    """The module whose op ``name`` the bench's statements call (crossops.numpy's, unless a
    statement calls it from another)."""
    for ours, _ in CALLS:
        module, rest = ours.split(".", 1)
        if rest.split("(")[0] == name:
            return MODULES[module]
    return xnp


_NAMESPACES: dict = {}


def namespace_of(x) -> PreResolved:
    """The pre-resolved namespace of ``x``'s array type (one per type)."""
    t = type(x)
    ns = _NAMESPACES.get(t)
    if ns is None:
        from crossops._backend import backend_of_type
        ns = _NAMESPACES[t] = PreResolved(t, backend_of_type(t))
    return ns


def _pre_resolved(op, t: type, backend: str):
    """Op ``op``'s function for arrays of type ``t``, written from its spec: where every
    array argument has type ``t`` (and, for promoted ops, the operands one dtype), every
    axis is None, an int or a tuple of ints and no dtype is given, it calls the function
    crossops's dispatch resolves for these types (``op.impl``: operands of one dtype; else
    ``op.full``), or for the required arguments alone the framework's own function that
    the C fronts call (``op.plain``); other calls take the op's general path
    (``Op.call``; creation calls on ``backend``)."""
    spec = op.spec
    passed = forwarding(spec)
    if any(how in ("*", "**") for _, how in passed):
        return None  # (*operands: einsum) not written here
    promoted = spec.dispatch in ("binary", "matmul", "where")
    f = op.impl(backend) if promoted else op.full(backend)
    env = {"_f": f, "_T": t, "_TS": frozenset({t}), "_op": op, "_slow": _general,
           "_backend": backend}
    sig, guard, fast, slow_pos, slow_kw = [], [], [], [], []
    star = False
    for p, how in passed:
        name = p.name
        if p.default is not p.empty:
            env[f"_d_{name}"] = p.default
            text = f"{name}=_d_{name}"
        else:
            text = name
        if p.kind is p.KEYWORD_ONLY and not star:
            sig.append("*")
            star = True
        sig.append(text)
        if p.kind is p.POSITIONAL_ONLY and p is [q for q, _ in passed
                                                   if q.kind is q.POSITIONAL_ONLY][-1]:
            sig.append("/")
        fast.append(name if how == "pos" else f"{name}={name}")
        (slow_pos if how == "pos" else slow_kw).append(name)
        if name in spec.sequences:
            guard.append(f"type({name}) in (list, tuple) and {name} "
                         f"and _TS.issuperset(map(type, {name}))")
        elif name in spec.arrays:
            guard.append(f"type({name}) is _T")
        elif name in axis_params(spec):  # (no bool, bare or in a tuple: the C fronts' rule)
            guard.append(f"({name} is None or type({name}) is int or (type({name}) is tuple "
                         f"and bool not in map(type, {name})))")
        elif name == "dtype":
            guard.append("dtype is None")
    if promoted:
        a, b = (1, 2) if spec.dispatch == "where" else (0, 1)
        guard.append(f"{spec.params[a]}.dtype is {spec.params[b]}.dtype")
    kwargs = ", ".join(f"{n!r}: {n}" for n in slow_kw)
    creation = not spec.arrays and not spec.sequences
    # the framework's own function for the call of the required arguments (a backend's
    # AT_DEFAULTS, as the C fronts take it: by the first array's dtype where a dict), which
    # hands a call it refuses to the op's function
    plain = op.plain.get(t) if not promoted else None
    at_defaults = ""
    if plain is not None:
        env["_plain"] = plain
        required = [p.name for p, _ in passed if p.default is p.empty]
        optional = [p.name for p, _ in passed if p.default is not p.empty]
        pick = (f"_plain.get({required[0]}.dtype)" if isinstance(plain, dict)
                else "_plain")
        at_defaults = (
            f"        if {' and '.join(f'{n} is _d_{n}' for n in optional) or 'True'}:\n"
            f"            _p = {pick}\n"
            f"            if _p is not None:\n"
            f"                try:\n"
            f"                    return _p({', '.join(required)})\n"
            f"                except Exception:\n"
            f"                    pass\n")
    source = (f"def {spec.name}({', '.join(sig)}):\n"
              f"    if {' and '.join(guard) or 'True'}:\n"
              f"{at_defaults}"
              f"        return _f({', '.join(fast)})\n"
              f"    return _slow(_op, _backend, {creation}, "
              f"({''.join(n + ', ' for n in slow_pos)}), {{{kwargs}}})\n")
    exec(source, env)
    fn = env[spec.name]
    fn.__source__ = source
    return fn


def _general(op, backend: str, creation: bool, args: tuple, kwargs: dict):
    """The call a pre-resolved function does not take: crossops's general path for the
    op's own signature (a dtype converted, as the generated functions do)."""
    if creation:
        return call_on(backend, op.spec.qualname, *args, **kwargs)
    if kwargs.get("dtype") is not None:
        kwargs["dtype"] = native_dtype(backend, kwargs["dtype"])
    return op.call(args, kwargs)


def namespace_form(statement: str) -> str | None:
    """The same call through the pre-resolved namespace ``ns``, or None where the op has
    no pre-resolved function (``*operands``)."""
    module, rest = statement.split(".", 1)
    name = rest.split("(")[0]
    public = getattr(MODULES[module], name)
    if FUNCTIONS.get(public) is None or any(how in ("*", "**") for _, how in
                                            forwarding(FUNCTIONS[public].spec)):
        return None
    return "ns." + rest


def keras_form(statement: str) -> str | None:
    """The same call through ``crossops.ops`` (Keras's names), or None if it has no such
    name."""
    obj = kops
    module, _, rest = statement.partition(".")
    prefix = "kops.image." if module == "ximage" else "kops."  # (Keras's ops.image)
    if module == "ximage":
        obj = kops.image
    for part in rest.split("(")[0].split("."):  # (``xnp.linalg.norm``: none)
        obj = getattr(obj, part, None)
    return prefix + rest if obj is not None else None


def bench_backend(backend, blocks, namespace=False, only=None):
    with crossops.use_backend(backend):  # creation calls (zeros, arange) make its arrays
        return _bench_backend(backend, blocks, namespace, only)


def _same_result(x, y, call: str) -> None:
    assert type(x) is type(y), call
    assert str(x.dtype) == str(y.dtype) and tuple(x.shape) == tuple(y.shape), call
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=call)


def _bench_backend(backend, blocks, namespace=False, only=None):
    """Per call: (statement, native ns, crossops.numpy ns, its ratio, crossops.ops ns or
    None, its ratio or None[, pre-resolved ns or None, its ratio or None]); ratios are
    medians over blocks of interleaved timings. ``only``: the calls whose statement
    contains one of these strings (None: every call)."""
    g = {"np": np, **MODULES, "kops": kops, **arrays(backend)}
    exec(NATIVE_MODULES[backend], g)
    if namespace:
        g["ns"] = namespace_of(g["a"])  # the user's code: once
    rows = []
    for ours, native in CALLS:
        if backend not in native or (only and not any(o in ours for o in only)):
            continue
        statements = [native[backend], ours] + ([keras_form(ours)] if keras_form(ours) else [])
        keras_native = KERAS_NATIVE.get(ours, {}).get(backend)
        if keras_native is not None:
            _same_result(eval(keras_native, g), eval(statements[2], g), keras_native)
            statements.append(keras_native)
        pre = namespace_form(ours) if namespace else None
        if pre is not None:
            expected = eval(ours, g)  # (fills crossops's caches first)
            _same_result(eval(pre, g), expected, pre)  # the same result, once
            statements.append(pre)
        timers = [timeit.Timer(s, globals=g) for s in statements]
        n = max(10, int(0.002 / max(timers[0].timeit(20) / 20, 1e-9)))  # ~2 ms per timing
        for t in timers:
            t.timeit(n)  # warm up (fills the dispatch cache)
        times = [[] for _ in timers]
        for _ in range(blocks):
            best = [float("inf")] * len(timers)
            for _ in range(10):  # interleaved, so that a drift of the machine hits all alike
                for i, t in enumerate(timers):
                    best[i] = min(best[i], t.timeit(n) / n)
            for i, b in enumerate(best):
                times[i].append(b)
        ns = [statistics.median(ts) * 1e9 for ts in times]
        ratios = [statistics.median(o / nat for o, nat in zip(ts, times[0]))
                  for ts in times[1:]]
        if keras_native is not None:  # crossops.ops against the native of its result
            ratios[1] = statistics.median(o / nat for o, nat in zip(times[2], times[3]))
            del ns[3], ratios[2]
        if pre is not None:
            pre_ns, pre_ratio = ns.pop(), ratios.pop()
        else:
            pre_ns = pre_ratio = None
        if len(ratios) == 1:
            ns.append(None)
            ratios.append(None)
        row = (ours, ns[0], ns[1], ratios[0], ns[2], ratios[1])
        rows.append(row + (pre_ns, pre_ratio) if namespace else row)
    return rows


def import_time(runs=7):
    code = "import time; t = time.perf_counter(); import crossops; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                  text=True, check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--blocks", type=int, default=9)
    p.add_argument("--backend", "--backends", action="append",
                   help="only these backends (repeatable)")
    p.add_argument("--only", action="append", metavar="TEXT",
                   help="only the calls whose statement contains TEXT (repeatable): "
                        "--only sum --only concatenate")
    p.add_argument("--namespace", action="store_true",
                   help="also time each call through a namespace pre-resolved for the "
                        "array type (pure Python; see the module docstring)")
    args = p.parse_args()
    backends = [b for b in ("numpy", "torch", "jax", "tensorflow")
                if (b == "numpy" or importlib.util.find_spec(b))
                and (not args.backend or b in args.backend)]
    front = isinstance(xnp.add, types.BuiltinFunctionType)
    print(f"dispatch: {'C fronts (crossops._fastpath)' if front else 'pure Python'}\n")
    extra = " pre-resolved (ns) | ratio |" if args.namespace else ""
    print("| backend | call | native (ns) | crossops.numpy (ns) | ratio | crossops.ops (ns) "
          "| ratio |" + extra)
    print("|---|---|---:|---:|---:|---:|---:|" + ("---:|---:|" if args.namespace else ""))
    summary, pre_summary = [], []
    for b in backends:
        rows = bench_backend(b, args.blocks, args.namespace, args.only)
        for row in rows:
            call, tn, to, r, tk, rk = row[:6]
            keras = "—|—" if tk is None else f"{tk:,.0f} | {rk:.2f}x"
            line = f"| {b} | `{call}` | {tn:,.0f} | {to:,.0f} | {r:.2f}x | {keras} |"
            if args.namespace:
                tp, rp = row[6:]
                line += " —|— |" if tp is None else f" {tp:,.0f} | {rp:.2f}x |"
            print(line)
        if not rows:
            continue
        ratios = [row[3] for row in rows] + [row[5] for row in rows if row[5] is not None]
        worst = max(rows, key=lambda row: max(row[3], row[5] or 0))
        summary.append((b, len(rows), statistics.median(ratios), max(ratios), worst[0]))
        if args.namespace:
            pre = [row for row in rows if row[7] is not None]
            pre_ratios = [row[7] for row in pre]
            # crossops.numpy's ratios on the same calls, for comparison
            same = [row[3] for row in pre]
            worst = max(pre, key=lambda row: row[7])
            pre_summary.append((b, len(pre), statistics.median(pre_ratios),
                                max(pre_ratios), worst[0], statistics.median(same)))
    print("\n| backend | calls | median ratio | worst ratio | worst call | budget |")
    print("|---|---:|---:|---:|---|---:|")
    for b, count, med, worst, call in summary:
        ok = "ok" if worst <= BUDGET[b] else "OVER"
        print(f"| {b} | {count} | {med:.2f}x | {worst:.2f}x | `{call}` | "
              f"{BUDGET[b]}x (every call) {ok} |")
    if args.namespace:
        print("\nPre-resolved namespace (pure Python), against crossops.numpy/nn on the same "
              "calls:\n")
        print("| backend | calls | median ratio | worst ratio | worst call | crossops.numpy "
              "median | budget |")
        print("|---|---:|---:|---:|---|---:|---:|")
        for b, count, med, worst, call, same in pre_summary:
            ok = "ok" if med <= BUDGET[b] else "OVER"
            print(f"| {b} | {count} | {med:.2f}x | {worst:.2f}x | `{call}` | {same:.2f}x | "
                  f"{BUDGET[b]}x (median) {ok} |")
    print(f"\n`import crossops`: {import_time() * 1e3:.1f} ms (median of 7 fresh interpreters;"
          f" budget 50 ms)")


if __name__ == "__main__":
    main()
