"""Bad input to the convolution, pooling, fold/unfold and CTC ops: a ValueError naming the
op and the shapes, the same on every backend. Also the CTC pieces the conformance suite
does not draw: beam search (eager only) and half-precision CTC results."""

from __future__ import annotations

import numpy as np
import pytest

from crossops import nn

from .backends import backend_context, to_backend, to_numpy
from .refs_nn import ctc_beam_exhaustive


def _a(backend, shape, dtype="float32"):
    return to_backend(backend, np.ones(shape, dtype))


CASES = {
    "conv rank": (nn.conv, lambda b: (_a(b, (2, 3)), _a(b, (3, 3, 1))), {},
                  r"nn\.conv: inputs must have rank 3 or 4 or 5.*\(2, 3\)"),
    "conv channels": (nn.conv, lambda b: (_a(b, (1, 5, 3)), _a(b, (2, 2, 4))), {},
                      r"nn\.conv: the input channels \(3\).*in_channels.*\(1, 5, 3\)"),
    "conv kernel rank": (nn.conv, lambda b: (_a(b, (1, 5, 3)), _a(b, (2, 2, 3, 4))), {},
                         r"nn\.conv: the kernel must have the rank of the inputs"),
    "conv padding": (nn.conv, lambda b: (_a(b, (1, 5, 1)), _a(b, (2, 1, 1))),
                     {"padding": "full"}, r"nn\.conv: padding must be \"valid\" or \"same\""),
    "conv too small": (nn.conv, lambda b: (_a(b, (1, 2, 2, 1)), _a(b, (3, 3, 1, 1))), {},
                       (r"nn\.conv: the window \(3 after dilation\) is larger than the input "
                        r"\(2\).*\(1, 2, 2, 1\).*\(3, 3, 1, 1\)")),
    "conv dilated too small": (nn.conv, lambda b: (_a(b, (1, 4, 1)), _a(b, (2, 1, 1))),
                               {"dilation_rate": 4}, r"nn\.conv: the window \(5 after"),
    "conv data_format": (nn.conv, lambda b: (_a(b, (1, 5, 1)), _a(b, (2, 1, 1))),
                         {"data_format": "NHWC"}, r"nn\.conv: data_format must be"),
    "conv strides": (nn.conv, lambda b: (_a(b, (1, 5, 5, 1)), _a(b, (2, 2, 1, 1))),
                     {"strides": (1, 2, 3)}, r"nn\.conv: strides must be .* 2 ints"),
    "depthwise channels": (nn.depthwise_conv, lambda b: (_a(b, (1, 5, 3)), _a(b, (2, 2, 1))),
                           {}, r"nn\.depthwise_conv: the input channels \(3\)"),
    "separable pointwise": (nn.separable_conv,
                            lambda b: (_a(b, (1, 5, 2)), _a(b, (2, 2, 2)), _a(b, (1, 2, 3))),
                            {}, r"nn\.separable_conv: pointwise_kernel must have shape \(1, 4\)"),
    "conv_transpose channels": (nn.conv_transpose,
                                lambda b: (_a(b, (1, 5, 3)), _a(b, (2, 4, 2))), {},
                                (r"nn\.conv_transpose: the input channels \(3\).*"
                                 r"kernel.shape\[-1\] = 2")),
    "conv_transpose padding": (nn.conv_transpose,
                               lambda b: (_a(b, (1, 5, 1)), _a(b, (2, 1, 1))),
                               {"padding": "causal"}, r"nn\.conv_transpose: padding"),
    "max_pool rank": (nn.max_pool, lambda b: (_a(b, (4, 4)), 2), {},
                      r"nn\.max_pool: inputs must have rank .*\(4, 4\)"),
    "max_pool too small": (nn.max_pool, lambda b: (_a(b, (1, 2, 2, 1)), 3), {},
                           (r"nn\.max_pool: the window \(3 after dilation\) is larger than "
                            r"the input \(2\).*\(1, 2, 2, 1\)")),
    "average_pool padding": (nn.average_pool, lambda b: (_a(b, (1, 4, 1)), 2),
                             {"padding": "full"}, r"nn\.average_pool: padding must be"),
    "average_pool strides": (nn.average_pool, lambda b: (_a(b, (1, 4, 4, 1)), 2),
                             {"strides": (1, 1, 1)}, r"nn\.average_pool: strides must be"),
    "adaptive rank": (nn.adaptive_average_pool, lambda b: (_a(b, (4,)), 2), {},
                      r"nn\.adaptive_average_pool: inputs must have rank"),
    "adaptive size": (nn.adaptive_max_pool, lambda b: (_a(b, (1, 4, 4, 1)), (2, 0)), {},
                      r"nn\.adaptive_max_pool: output_size must be"),
    "unfold rank": (nn.unfold, lambda b: (_a(b, (1, 4, 4)), 2), {},
                    r"nn\.unfold: x must be 4-D.*\(1, 4, 4\)"),
    "unfold too small": (nn.unfold, lambda b: (_a(b, (1, 1, 2, 2)), 3), {},
                         r"nn\.unfold: no window fits"),
    "fold blocks": (nn.fold, lambda b: (_a(b, (1, 4, 5)), (3, 3), 2), {},
                    r"nn\.fold: x shape \(1, 4, 5\) does not fit.*number of blocks, 4"),
    "ctc_loss batch": (nn.ctc_loss, lambda b: (_a(b, (2, 2), "int32"), _a(b, (1, 4, 3)),
                                               _a(b, (2,), "int32"), _a(b, (1,), "int32")),
                       {}, r"nn\.ctc_loss: target must have the batch size of output \(1\)"),
    "ctc_decode strategy": (nn.ctc_decode, lambda b: (_a(b, (1, 4, 3)), _a(b, (1,), "int32")),
                            {"strategy": "best"}, r"nn\.ctc_decode: strategy must be"),
    "depth_to_space data_format": (nn.depth_to_space, lambda b: (_a(b, (1, 2, 2, 4)), 2),
                                   {"data_format": "NHWC"},
                                   r"nn\.depth_to_space: data_format must be"),
    "space_to_depth data_format": (nn.space_to_depth, lambda b: (_a(b, (1, 2, 2, 4)), 2),
                                   {"data_format": "NCHW"},
                                   r"nn\.space_to_depth: data_format must be"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case, backend):
    op, make, kwargs, match = CASES[case]
    with backend_context(backend), pytest.raises(ValueError, match=match):
        op(*make(backend), **kwargs)


@pytest.mark.parametrize("padding", ["SAME", "Same", "VALID"])
def test_padding_any_case(padding, backend):
    """Keras lowers padding: "SAME" is "same"."""
    x = np.arange(10, dtype=np.float32).reshape(1, 5, 2) / 8
    k = np.arange(8, dtype=np.float32).reshape(2, 2, 2) / 8
    with backend_context(backend):
        got = to_numpy(nn.conv(to_backend(backend, x), to_backend(backend, k),
                               padding=padding))
        want = to_numpy(nn.conv(to_backend(backend, x), to_backend(backend, k),
                                padding=padding.lower()))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("data_format", [None, "Channels_Last", "CHANNELS_FIRST"])
@pytest.mark.parametrize("name", ["depth_to_space", "space_to_depth"])
def test_spatial_data_format_read_as_keras(name, data_format, backend):
    """depth_to_space/space_to_depth read data_format with the one helper, as Keras does:
    None is config.image_data_format(), and any case is taken."""
    import keras
    if name == "space_to_depth" and data_format == "CHANNELS_FIRST":
        pytest.skip("Keras's TensorFlow backend (the harness's) orders channels_first "
                    "space_to_depth otherwise than its JAX backend, whose order crossops has")
    x = np.arange(64, dtype=np.float32).reshape(1, 4, 4, 4)
    want = np.asarray(getattr(keras.ops, name)(x, 2, data_format=data_format))
    with backend_context(backend):
        got = to_numpy(getattr(nn, name)(to_backend(backend, x), 2, data_format=data_format))
    np.testing.assert_array_equal(got, want)


def _ctc_logits(seed, b=2, t=4, c=3):
    rng = np.random.default_rng(seed)
    return rng.integers(-16, 16, (b, t, c)).astype(np.float32) / 8


@pytest.mark.parametrize("seed", range(3))
def test_ctc_beam_search_is_exact_on_small_inputs(seed, backend):
    """With a beam wide enough to hold every prefix, the beam search gives the exact most
    probable labelings (enumerated alignment by alignment in the reference)."""
    x = _ctc_logits(seed)
    lengths = np.array([4, 3], np.int32)
    want_paths, want_scores = ctc_beam_exhaustive(x, lengths, top_paths=2, mask_index=0)
    with backend_context(backend):
        paths, scores = nn.ctc_decode(to_backend(backend, x), to_backend(backend, lengths),
                                      strategy="beam_search", beam_width=64, top_paths=2)
        paths, scores = to_numpy(paths), to_numpy(scores)
    assert paths.dtype == np.int32 and paths.shape == (2, 2, 4)
    assert scores.dtype == np.float32 and scores.shape == (2, 2)
    np.testing.assert_allclose(scores, want_scores, rtol=1e-5)
    for i in range(2):  # equal scores may come in either order
        for k in range(2):
            if np.sum(np.isclose(want_scores[i], want_scores[i, k], rtol=1e-5)) == 1:
                np.testing.assert_array_equal(paths[k, i], want_paths[k, i])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_ctc_half_precision_gives_float32(dtype, backend):
    """Keras computes CTC in result_type(dtype, float32): half inputs give float32 (the
    conformance suite draws float32/float64 only: its bfloat16 reference narrowing would
    turn the float32 reference result into bfloat16)."""
    from .strategies import np_dtype
    x = _ctc_logits(7)
    target = np.array([[1, 2], [2, 2]], np.int32)
    tl, ol = np.array([2, 1], np.int32), np.array([4, 3], np.int32)
    want = to_numpy(nn.ctc_loss(target, x.astype(np_dtype(dtype)).astype(np.float32), tl, ol))
    with backend_context(backend):
        xb = to_backend(backend, x.astype(np_dtype(dtype)))
        loss = to_numpy(nn.ctc_loss(to_backend(backend, target), xb, to_backend(backend, tl),
                                    to_backend(backend, ol)))
        _, scores = nn.ctc_decode(xb, to_backend(backend, ol))
    assert loss.dtype == np.float32 and to_numpy(scores).dtype == np.float32
    np.testing.assert_allclose(loss, want, rtol=1e-5)
