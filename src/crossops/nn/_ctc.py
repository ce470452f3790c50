"""ctc_loss and ctc_decode with Keras's signatures.

``ctc_loss(target, output, target_length, output_length, mask_index=0)``: ``output``
holds logits ``(batch, time, classes)`` (log-softmax is applied here), ``target`` the
padded labels ``(batch, max_label_length)``; the result is the per-sequence negative log
likelihood, of dtype ``result_type(output.dtype, float32)``. The generic function is
the CTC forward algorithm in log space, written with crossops ops (NumPy; JAX compiles
it); torch and TensorFlow call ``torch.nn.functional.ctc_loss`` and ``tf.nn.ctc_loss``
(``crossops/backends/<backend>/nn.py``) where they can.

``ctc_decode`` with ``strategy="greedy"`` (every backend) takes the best class at each
step within ``sequence_lengths``, merges repeats (``merge_repeated``), drops
``mask_index`` and left-aligns the labels, padded with -1: ``(1, batch, time)`` int32,
and the scores ``-sum(max logits)`` ``(batch, 1)``. ``strategy="beam_search"`` runs a
prefix beam search on the log-softmax of the logits (eager only: its loop depends on
the values) and gives ``(top_paths, batch, time)`` paths and ``(batch, top_paths)``
log probabilities.

Examples
--------
>>> import numpy as np, crossops.nn as nn
>>> logits = np.log(np.array([[[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1],
...                            [0.1, 0.1, 0.8]]]))
>>> nn.ctc_decode(logits, np.array([4]))[0].tolist()
[[[1, 2, -1, -1]]]
"""

from __future__ import annotations

import math

import numpy as np

import crossops.numpy as xnp
from crossops._dtypes import dtype_name, result_name

from .._backend import backend_of
from .._dispatch import call_on
from ..numpy._compute import arange_like
from . import _windows as w


def _float(x):
    """``x`` in ``result_type(x.dtype, float32)``, as Keras's ctc ops compute."""
    return xnp.astype(x, result_name(dtype_name(x.dtype), "float32"), copy=False)


def _logaddexp(a, b):
    """logaddexp, whose gradient where both operands are -inf (states no alignment reaches
    yet, as a repeated label at the length limit leaves) is 0, not ``0 * exp(-inf + inf)``
    = nan; the value there is -inf, as logaddexp's."""
    empty = xnp.logical_and(xnp.isneginf(a), xnp.isneginf(b))
    zero = xnp.zeros_like(a)
    return xnp.where(empty, a, xnp.logaddexp(xnp.where(empty, zero, a),
                                             xnp.where(empty, zero, b)))


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    from . import log_softmax
    w.check_ctc_loss(target, output, target_length, output_length)
    logp = log_softmax(_float(output), axis=-1)
    b, t_max, _ = w.shape_of(logp)
    s = int(target.shape[1])
    target = xnp.astype(target, "int64", copy=False)
    tl = xnp.astype(target_length, "int64", copy=False)
    ol = xnp.astype(output_length, "int64", copy=False)
    # extended labels: blank, l1, blank, l2, ..., blank (2 S + 1)
    blank = xnp.full_like(target, mask_index)
    ext = xnp.reshape(xnp.stack([blank, target], axis=-1), (b, 2 * s))
    ext = xnp.concat([ext, blank[:, :1]] if s else [xnp.astype(
        w.constant(target, np.full((b, 1), mask_index), "int64"), "int64", copy=False)], axis=-1)
    n = 2 * s + 1
    emit = xnp.take_along_axis(logp, xnp.broadcast_to(xnp.expand_dims(ext, 1), (b, t_max, n)),
                               axis=-1)  # (b, t, n)
    neg = w.constant(logp, np.full((b, n), -np.inf), logp.dtype)
    pos = arange_like(target, n, "int64")
    # a label may be reached from two back unless it is blank or repeats that one
    skip = xnp.concat([xnp.zeros_like(ext[:, :2], dtype="bool"),
                       xnp.not_equal(ext[:, 2:], ext[:, :-2])], axis=-1)
    skip = xnp.logical_and(skip, xnp.not_equal(ext, mask_index))
    alpha = xnp.where(xnp.less(pos, 2), emit[:, 0], neg)
    for t in range(1, t_max):
        a1 = xnp.concat([neg[:, :1], alpha[:, :-1]], axis=-1)
        a2 = xnp.where(skip, xnp.concat([neg[:, :2], alpha[:, :-2]], axis=-1), neg)
        new = xnp.add(_logaddexp(_logaddexp(alpha, a1), a2), emit[:, t])
        alpha = xnp.where(xnp.expand_dims(xnp.less(t, ol), -1), new, alpha)
    last = xnp.take_along_axis(alpha, xnp.expand_dims(2 * tl, -1), axis=-1)[:, 0]
    before = xnp.take_along_axis(alpha, xnp.expand_dims(xnp.maximum(2 * tl - 1, 0), -1),
                                 axis=-1)[:, 0]
    before = xnp.where(xnp.greater(tl, 0), before, neg[:, 0])
    return xnp.negative(xnp.logaddexp(last, before))


# -- decoding --------------------------------------------------------------------------

def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    op = "nn.ctc_decode"
    # lists (Keras takes them) as arrays, the lengths on the inputs' backend (under jax.jit a
    # list of traced ints)
    inputs = inputs if hasattr(inputs, "ndim") else xnp.asarray(inputs)
    if not hasattr(sequence_lengths, "ndim"):
        sequence_lengths = call_on(backend_of(inputs), "asarray", sequence_lengths)
    if inputs.ndim != 3 or sequence_lengths.ndim != 1 or \
            int(sequence_lengths.shape[0]) != int(inputs.shape[0]):
        raise ValueError(f"{op}: inputs must be 3-D (batch, time, classes) and "
                         f"sequence_lengths (batch,), got shapes {w.shape_of(inputs)} and "
                         f"{w.shape_of(sequence_lengths)}")
    if mask_index is None:
        mask_index = int(inputs.shape[-1]) - 1
    if strategy == "greedy":
        return _greedy(_float(inputs), sequence_lengths, merge_repeated, mask_index)
    if strategy == "beam_search":
        return _beam_search(_float(inputs), sequence_lengths, beam_width, top_paths,
                            mask_index)
    raise ValueError(f'{op}: strategy must be "greedy" or "beam_search", got {strategy!r}')


def _greedy(x, lengths, merge_repeated, mask_index):
    b, t, _ = w.shape_of(x)
    idx = xnp.astype(xnp.argmax(x, axis=-1), "int32", copy=False)
    scores = xnp.max(x, axis=-1)
    steps = xnp.expand_dims(arange_like(x, t, "int32"), 0)
    past = xnp.greater_equal(steps, xnp.expand_dims(xnp.astype(lengths, "int32", copy=False), -1))
    idx = xnp.where(past, mask_index, idx)
    scores = xnp.where(past, 0.0, scores)
    if merge_repeated and t > 1:
        rep = xnp.concat([xnp.zeros_like(past[:, :1]),
                          xnp.equal(idx[:, 1:], idx[:, :-1])], axis=-1)
        idx = xnp.where(rep, mask_index, idx)
    blank = xnp.equal(idx, mask_index)
    idx = xnp.where(blank, -1, idx)
    order = xnp.argsort(xnp.where(blank, t, xnp.broadcast_to(steps, (b, t))), axis=-1,
                        stable=True)
    idx = xnp.take_along_axis(idx, order, axis=-1)
    return xnp.expand_dims(idx, 0), xnp.negative(xnp.sum(scores, axis=1, keepdims=True))


def _beam_search(x, lengths, beam_width, top_paths, mask_index):
    """Prefix beam search (eager: NumPy on the values, the result on x's backend)."""
    from crossops import to_numpy
    if top_paths > beam_width:
        raise ValueError(f"nn.ctc_decode: top_paths ({top_paths}) must be at most beam_width "
                         f"({beam_width})")
    logits = to_numpy(x).astype(np.float64)
    logp = logits - np.logaddexp.reduce(logits, axis=-1, keepdims=True)
    lengths = to_numpy(lengths)
    b, t, _ = logp.shape
    paths = np.full((top_paths, b, t), -1, np.int32)
    scores = np.full((b, top_paths), -np.inf)
    for i in range(b):
        for k, (prefix, score) in enumerate(_beams(logp[i, :int(lengths[i])], beam_width,
                                                   mask_index)[:top_paths]):
            paths[k, i, :len(prefix)] = prefix
            scores[i, k] = score
    return w.constant(x, paths, "int32"), w.constant(x, scores, x.dtype)


def _beams(logp, beam_width, blank):
    """Prefixes with their log probabilities (summed over alignments), best first."""
    def add(nxt, prefix, pb, pnb):
        ob, onb = nxt.get(prefix, (-math.inf, -math.inf))
        nxt[prefix] = (np.logaddexp(ob, pb), np.logaddexp(onb, pnb))

    beams = {(): (0.0, -math.inf)}  # prefix -> (log p ending in blank, ending in a label)
    for row in logp:
        nxt: dict = {}
        for prefix, (pb, pnb) in beams.items():
            total = np.logaddexp(pb, pnb)
            for c, lp in enumerate(row):
                if c == blank:
                    add(nxt, prefix, total + lp, -math.inf)
                elif prefix and prefix[-1] == c:
                    add(nxt, prefix + (c,), -math.inf, pb + lp)  # a new c needs a blank between
                    add(nxt, prefix, -math.inf, pnb + lp)  # the repeat merges
                else:
                    add(nxt, prefix + (c,), -math.inf, total + lp)
        ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))
        beams = dict(ranked[:beam_width])
    return [(p, float(np.logaddexp(*v))) for p, v in
            sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))]


CTC = {f.__name__: f for f in (ctc_loss, ctc_decode)}
