"""pytest plugin for running data-apis/array-api-tests on TensorFlow arrays.

crossops returns native ``tf.Tensor`` objects, whose ``.shape`` is a ``tf.TensorShape``,
not a tuple. The suite's helpers (ndindex, its hypothesis shape strategies) accept only
tuples, so without this plugin most tests fail before any value is compared. The plugin
converts TensorShapes to tuples inside the suite's helpers; it changes nothing in
crossops or TensorFlow.
"""

import ndindex.shapetools as _shapetools


def _as_tuple(shape):
    return tuple(shape.as_list()) if hasattr(shape, "as_list") else shape


_asshape = _shapetools.asshape
_shapetools.asshape = lambda shape, *a, **k: _asshape(_as_tuple(shape), *a, **k)


def pytest_configure(config):
    from array_api_tests import hypothesis_helpers as hh

    broadcastable, arrays = hh.mutually_broadcastable_shapes, hh.arrays

    def mutually_broadcastable_shapes(n, *, base_shape=(), **kw):
        return broadcastable(n, base_shape=_as_tuple(base_shape), **kw)

    def arrays_(dtype, *args, **kw):
        if "shape" in kw:
            kw["shape"] = _as_tuple(kw["shape"])
        return arrays(dtype, *map(_as_tuple, args), **kw)

    hh.mutually_broadcastable_shapes = mutually_broadcastable_shapes
    hh.arrays = arrays_
