"""Bad input to the image ops (wrong rank, unknown interpolation or fill mode, bad
data_format, bad sizes): the usual error type, with a message naming the op and the
argument, the same on every backend (the jax natives are the generic functions compiled)."""

from __future__ import annotations

import numpy as np
import pytest

from crossops import image

from ._chapters import chapter_tests
from .backends import backend_context, to_backend, to_numpy


def _a(backend, shape, dtype="float32"):
    return to_backend(backend, np.full(shape, 0.5, dtype))


def _img(b):
    return _a(b, (4, 4, 3))


_T = np.array([1, 0, 0, 0, 1, 0, 0, 0], np.float32)
_PTS = np.array([[0, 0], [3, 0], [0, 3], [3, 3]], np.float32)

# name: (op, args(backend), kwargs, error type, message pattern)
CASES = {
    "resize rank": (image.resize, lambda b: (_a(b, (4, 4)), (2, 2)), {}, ValueError,
                    r"image\.resize: images must have rank 3 or 4.*\(4, 4\)"),
    "resize interpolation": (image.resize, lambda b: (_img(b), (2, 2)),
                             {"interpolation": "cubic"}, ValueError,
                             r"image\.resize: interpolation must be one of .*'cubic'"),
    "resize data_format": (image.resize, lambda b: (_img(b), (2, 2)),
                           {"data_format": "NHWC"}, ValueError,
                           r"image\.resize: data_format must be .*'NHWC'"),
    "resize size length": (image.resize, lambda b: (_img(b), (2,)), {}, ValueError,
                           r"image\.resize: size must be .*2 ints"),
    "resize size negative": (image.resize, lambda b: (_img(b), (2, -2)), {}, ValueError,
                             r"image\.resize: size must hold 2 positive ints"),
    "resize fill_mode": (image.resize, lambda b: (_img(b), (2, 3)),
                         {"pad_to_aspect_ratio": True, "fill_mode": "reflect"}, ValueError,
                         r"image\.resize: fill_mode"),
    "affine rank": (image.affine_transform, lambda b: (_a(b, (4, 4)), to_backend(b, _T)),
                    {}, ValueError, r"image\.affine_transform: images must have rank 3 or 4"),
    "affine interpolation": (image.affine_transform, lambda b: (_img(b), to_backend(b, _T)),
                             {"interpolation": "bicubic"}, ValueError,
                             r"image\.affine_transform: interpolation must be one of"),
    "affine fill_mode": (image.affine_transform, lambda b: (_img(b), to_backend(b, _T)),
                         {"fill_mode": "edge"}, ValueError,
                         r"image\.affine_transform: fill_mode must be one of"),
    "affine data_format": (image.affine_transform, lambda b: (_img(b), to_backend(b, _T)),
                           {"data_format": "channels_middle"}, ValueError,
                           r"image\.affine_transform: data_format must be"),
    "affine transform shape": (image.affine_transform,
                               lambda b: (_img(b), _a(b, (6,))), {}, ValueError,
                               r"image\.affine_transform: transform"),
    "map_coordinates order": (image.map_coordinates,
                              lambda b: (_a(b, (4, 4)), _a(b, (2, 3)), 3), {}, ValueError,
                              r"image\.map_coordinates: order"),
    "map_coordinates coordinates": (image.map_coordinates,
                                    lambda b: (_a(b, (4, 4)), _a(b, (3, 3)), 1), {},
                                    ValueError, r"image\.map_coordinates: coordinates"),
    "map_coordinates fill_mode": (image.map_coordinates,
                                  lambda b: (_a(b, (4, 4)), _a(b, (2, 3)), 1),
                                  {"fill_mode": "edge"}, ValueError,
                                  r"image\.map_coordinates: fill_mode must be one of"),
    "perspective interpolation": (image.perspective_transform,
                                  lambda b: (_img(b), to_backend(b, _PTS),
                                             to_backend(b, _PTS)),
                                  {"interpolation": "area"}, ValueError,
                                  r"image\.perspective_transform: interpolation"),
    "perspective points": (image.perspective_transform,
                           lambda b: (_img(b), _a(b, (3, 2)), _a(b, (3, 2))), {}, ValueError,
                           r"image\.perspective_transform: start_points"),
    "elastic fill_mode": (image.elastic_transform, lambda b: (_img(b),),
                          {"fill_mode": "edge", "seed": 1}, ValueError,
                          r"image\.elastic_transform: fill_mode must be one of"),
    "elastic seed": (image.elastic_transform, lambda b: (_img(b),), {"seed": "one"},
                     TypeError, r"image\.elastic_transform: seed must be an int"),
    "elastic sigma": (image.elastic_transform, lambda b: (_img(b),),
                      {"sigma": 0.0, "seed": 1}, ValueError,
                      r"image\.elastic_transform: sigma must be positive"),
    "crop target": (image.crop_images, lambda b: (_img(b),),
                    {"top_cropping": 1, "bottom_cropping": 1, "target_height": 2},
                    ValueError, r"image\.crop_images: "),
    "crop too much": (image.crop_images, lambda b: (_img(b),),
                      {"top_cropping": 3, "bottom_cropping": 3, "left_cropping": 0,
                       "right_cropping": 0}, ValueError, r"image\.crop_images: "),
    "crop rank": (image.crop_images, lambda b: (_a(b, (4, 4)),),
                  {"top_cropping": 1, "left_cropping": 1, "target_height": 2,
                   "target_width": 2}, ValueError, r"image\.crop_images: images must have"),
    "pad negative": (image.pad_images, lambda b: (_img(b),),
                     {"top_padding": -1, "left_padding": 0, "bottom_padding": 0,
                      "right_padding": 0}, ValueError, r"image\.pad_images: "),
    "pad data_format": (image.pad_images, lambda b: (_img(b),),
                        {"top_padding": 1, "left_padding": 1, "bottom_padding": 1,
                         "right_padding": 1, "data_format": "NCHW"}, ValueError,
                        r"image\.pad_images: data_format must be"),
    "extract_patches size": (image.extract_patches, lambda b: (_img(b), (2, 2, 2, 2)), {},
                             ValueError, r"image\.extract_patches: size"),
    "extract_patches padding": (image.extract_patches, lambda b: (_img(b), 2),
                                {"padding": "full"}, ValueError,
                                r"image\.extract_patches: padding"),
    "extract_patches_3d rank": (image.extract_patches_3d, lambda b: (_img(b), 2), {},
                                ValueError, r"image\.extract_patches_3d: volumes must have"),
    "reconstruct_patches output_size": (image.reconstruct_patches,
                                        lambda b: (_a(b, (2, 2, 12)), 2, (4,)), {},
                                        ValueError,
                                        r"image\.reconstruct_patches: output_size"),
    "rgb_to_grayscale rank": (image.rgb_to_grayscale, lambda b: (_a(b, (4, 3)),), {},
                              ValueError, r"image\.rgb_to_grayscale: images must have rank"),
    "rgb_to_hsv channels": (image.rgb_to_hsv, lambda b: (_a(b, (4, 4, 4)),), {}, ValueError,
                            r"image\.rgb_to_hsv: images"),
    "rgb_to_hsv integer": (image.rgb_to_hsv, lambda b: (_a(b, (4, 4, 3), "int32"),), {},
                           TypeError, r"image\.rgb_to_hsv: images must have a real floating"),
    "hsv_to_rgb data_format": (image.hsv_to_rgb, lambda b: (_img(b),),
                               {"data_format": "last"}, ValueError,
                               r"image\.hsv_to_rgb: data_format must be"),
    "gaussian_blur kernel_size": (image.gaussian_blur, lambda b: (_img(b),),
                                  {"kernel_size": (3, 3, 3)}, ValueError,
                                  r"image\.gaussian_blur: kernel_size"),
    "sobel rank": (image.sobel_edges, lambda b: (_a(b, (4, 4)),), {}, ValueError,
                   r"image\.sobel_edges: images must have rank"),
    "ssim shapes": (image.ssim, lambda b: (_img(b), _a(b, (5, 4, 3))), {}, ValueError,
                    r"image\.ssim: "),
    "scale_and_translate method": (image.scale_and_translate,
                                   lambda b: (_a(b, (4, 4)), (2, 2), _a(b, (2,)),
                                              _a(b, (2,)), (0, 1), "cubicx"), {},
                                   ValueError, r"image\.scale_and_translate: method"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(case, backend):
    op, make, kwargs, error, match = CASES[case]
    with backend_context(backend), pytest.raises(error, match=match):
        op(*make(backend), **kwargs)


def test_elastic_transform_seed_none_draws_fresh_noise(backend):
    """seed=None is a fresh field on every call, also through the compiled jax native
    (where a static seed=None would otherwise freeze one field into the program)."""
    x = np.linspace(0, 1, 2 * 8 * 8, dtype=np.float32).reshape(2, 8, 8, 1)
    with backend_context(backend):
        a, b = (to_numpy(image.elastic_transform(to_backend(backend, x), sigma=1.0))
                for _ in range(2))
        c = to_numpy(image.elastic_transform(to_backend(backend, x), sigma=1.0, seed=3))
        d = to_numpy(image.elastic_transform(to_backend(backend, x), sigma=1.0, seed=3))
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(c, d)


# -- the spec-driven suites' cases for this chapter's ops, each once (tests/_chapters.py) ------

CHAPTER = "image"
globals().update(chapter_tests(CHAPTER))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_resize_common_call_is_the_generics(backend, dtype):
    """resize's common call (bilinear, no crop or pad; antialiasing where nothing
    shrinks), which torch, tensorflow and jax hand to their own resize: the reference's
    values to rounding, in the image's dtype and shape, up and down, one image or a
    batch, channels last and first, eagerly and (jax, tensorflow, torch) compiled."""
    import crossops

    from .refs_image import resize as reference
    rng = np.random.default_rng(7)
    rtol = 1e-5 if dtype == "float32" else 1e-12
    calls = []
    for fmt in ("channels_last", "channels_first"):
        for shape, size, antialias in (((2, 16, 16), (32, 32), False),
                                       ((2, 16, 16), (7, 5), False),
                                       ((5, 9), (13, 4), False), ((3, 4), (6, 9), True)):
            batch, spatial = shape[:-2], shape[-2:]
            full = (*batch, *spatial, 3) if fmt == "channels_last" else (*batch, 3, *spatial)
            calls.append((rng.standard_normal(full).astype(dtype), size,
                          {"antialias": antialias, "data_format": fmt}))
    with backend_context(backend):
        for x, size, kwargs in calls:
            expected = reference(x, size, **kwargs)

            def run(t, size=size, kwargs=kwargs):
                return image.resize(t, size, **kwargs)

            results = [run(to_backend(backend, x))]
            if backend != "numpy":
                results.append(crossops.jit(run)(to_backend(backend, x)))
            for out in map(to_numpy, results):
                assert out.dtype == expected.dtype and out.shape == expected.shape
                np.testing.assert_allclose(out, expected, rtol=rtol, atol=rtol)


def test_resize_of_an_unknown_batch_size_in_a_tensorflow_graph():
    """A batch axis of unknown size while tf.function traces (an input signature's None):
    every interpolation resizes, the common call by TensorFlow's kernel, the others by
    the generic's weights."""
    tf = pytest.importorskip("tensorflow")
    x = np.random.default_rng(8).standard_normal((2, 8, 6, 3)).astype(np.float32)
    for interpolation in ("bilinear", "bicubic", "area", "nearest"):
        f = tf.function(lambda t, i=interpolation: image.resize(t, (5, 12), interpolation=i),
                        input_signature=[tf.TensorSpec((None, 8, 6, 3), tf.float32)])
        np.testing.assert_allclose(f(tf.constant(x)).numpy(),
                                   to_numpy(image.resize(x, (5, 12), interpolation=interpolation)),
                                   rtol=1e-5, atol=1e-6)
