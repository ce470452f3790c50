"""Manipulation functions of the array API standard on TensorFlow."""

from __future__ import annotations

import tensorflow as tf

from ...._axes import normalize_axis
from ...._shapes import static_dims
from ..._axis_tuples import unstack_axis
from ..._core import tile_repetitions
from ..._numpy_ops import roll_pairs
from .._compute import EAGER_TENSOR, eager, eager_cpu, int_tuple, run_kernel
from .._private import rank, static_shape
from ._helpers import is_tensor, ndim, norm_axes, promote, shape_list, tensor, via_int

__all__ = [
    "broadcast_arrays", "broadcast_shapes", "broadcast_to", "concat", "expand_dims", "flip",
    "moveaxis", "permute_dims", "repeat", "reshape", "roll", "squeeze", "stack", "tile",
    "unstack",
]


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to; ``None`` (unknown) dimensions propagate."""
    n = max((len(s) for s in shapes), default=0)
    out = []
    for i in range(-n, 0):
        dim = 1
        for s in shapes:
            if len(s) < -i:
                continue
            d = s[i]
            if d is None:
                dim = None if dim in (1, None) else dim
            elif d != 1:
                if dim not in (1, None) and dim != d:
                    raise ValueError(f"broadcast_shapes: shapes {', '.join(map(str, shapes))} "
                                     f"are not broadcast-compatible (dimension {d} vs {dim})")
                dim = d
        out.append(dim)
    return tuple(out)


def _static_shape(x):
    return static_dims(x.shape)


def broadcast_arrays(*arrays):
    arrays = [tensor(a) for a in arrays]
    if not arrays:
        return ()
    shape = broadcast_shapes(*(_static_shape(a) for a in arrays))
    if None in shape:
        dyn = tf.shape(arrays[0])
        for a in arrays[1:]:
            dyn = tf.broadcast_dynamic_shape(dyn, tf.shape(a))
        shape = dyn
    return tuple(tf.broadcast_to(a, shape) for a in arrays)


def broadcast_to(x, /, shape):
    shape = tuple(shape) if not is_tensor(shape) else shape
    if not is_tensor(shape):
        xs = _static_shape(x)
        if len(xs) > len(shape) or any(
                d is not None and isinstance(s, int) and d != 1 and d != s
                for d, s in zip(xs[::-1], shape[::-1])):
            raise ValueError(f"broadcast_to: cannot broadcast an array of shape {xs} to "
                             f"{shape}; each dimension must be 1 or equal the target")
        if (eager_cpu(x) and all(type(s) is int and s >= 0 for s in shape)
                and (target := int_tuple(shape)) is not None):
            # eagerly, sizes that are ints: the BroadcastTo kernel on a kept shape tensor
            return run_kernel("BroadcastTo", x, target)
    return tf.broadcast_to(x, shape)


def concat(arrays, /, *, axis=0):
    """Join arrays along ``axis`` (``None``: flatten them first); dtypes are promoted."""
    arrays = promote(arrays, "concat")
    if not arrays:
        raise ValueError("concat: needs at least one array")
    if axis is None:
        return tf.concat([tf.reshape(a, [-1]) for a in arrays], 0)
    n = ndim(arrays[0], "concat")
    if n == 0:
        raise ValueError("concat: 0-d arrays cannot be concatenated; use stack or axis=None")
    return tf.concat(arrays, normalize_axis(axis, n, "concat"))


def stack(arrays, /, *, axis=0):
    if (type(axis) is int and type(arrays) in (list, tuple) and arrays
            and eager_cpu(first := arrays[0]) and id(first.dtype) in _SAME_DTYPE_STACK):
        dt, n = first.dtype, first.ndim + 1
        if -n <= axis < n and all(type(a) is EAGER_TENSOR and a.dtype is dt for a in arrays):
            # eager CPU tensors of one dtype: no promotion; tf.stack's kernel, called
            # directly (its Python layers took a third of a small stack's time)
            return run_kernel("Pack", list(arrays), "axis", axis + n if axis < 0 else axis)
    arrays = promote(arrays, "stack")
    if not arrays:
        raise ValueError("stack: needs at least one array")
    n = ndim(arrays[0], "stack") + 1
    return tf.stack(arrays, normalize_axis(axis, n, "stack"))


#: the dtypes (by id: DType.__eq__ costs ~0.7 us) whose tensors :func:`stack` packs as
#: they are where all have the one dtype (crossops's promotion keeps each; float8 and the
#: quantized dtypes take the general path)
_SAME_DTYPE_STACK = frozenset(map(id, (
    tf.bool, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.uint16, tf.uint32,
    tf.uint64, tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.complex64,
    tf.complex128)))


def unstack(x, /, *, axis=0):
    if type(axis) is not int:  # NumPy's axis of one int in a sequence
        axis = unstack_axis(axis, "unstack")
    axis = normalize_axis(axis, ndim(x, "unstack"), "unstack")
    if x.shape[axis] is None:
        raise ValueError(f"unstack: the size of axis {axis} must be known when tracing (got "
                         f"shape {x.shape}); give the tf.function an input_signature with it")
    return tuple(tf.unstack(x, axis=axis))


def expand_dims(x, /, axis):
    """Insert size-1 axes at ``axis`` (an int or a tuple of ints, positions in the result)."""
    if type(axis) is int and eager_cpu(x) and -(n := rank(x)) - 1 <= axis <= n:
        # eagerly, one axis in range: tf.expand_dims's kernel, without its Python layers
        return run_kernel("ExpandDims", x, axis)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    n = ndim(x, "expand_dims") + len(axes)
    axes = sorted(norm_axes(tuple(axes), n, "expand_dims"))
    for a in axes:
        x = tf.expand_dims(x, a)
    return x


def squeeze(x, /, axis):
    if type(axis) is int and eager_cpu(x):
        shape = static_shape(x)
        if -len(shape) <= axis < len(shape) and shape[axis] == 1:
            # eagerly, one size-1 axis: tf.squeeze's kernel, without its Python layers
            return run_kernel("Squeeze", x, "squeeze_dims", [axis])
    if axis is None:  # NumPy's and Keras's default: every axis of size 1
        return tf.squeeze(x)
    n = ndim(x, "squeeze")
    axes = norm_axes(axis, n, "squeeze")
    shape = x.shape
    for a in axes:
        if shape[a] is not None and shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {shape[a]}, not 1; only size-1 axes "
                             f"can be removed")
    if not axes:
        return tf.identity(x)
    return tf.squeeze(x, axis=list(axes))


def flip(x, /, *, axis=None):
    axes = norm_axes(axis, ndim(x, "flip"), "flip")
    return tf.reverse(x, list(axes)) if axes else tf.identity(x)


def permute_dims(x, /, axes):
    n = ndim(x, "permute_dims")
    perm = norm_axes(tuple(axes), n, "permute_dims", "axes")
    if len(perm) != n:
        raise ValueError(f"permute_dims: axes={tuple(axes)} must list each of the {n} axes once")
    if eager_cpu(x) and (p := int_tuple(perm)) is not None:
        # eagerly: the Transpose kernel on a kept permutation tensor (tf.transpose converts
        # a tuple in Python)
        return run_kernel("Transpose", x, p)
    return tf.transpose(x, perm)


def moveaxis(x, source, destination, /):
    n = ndim(x, "moveaxis")
    src = norm_axes(source if isinstance(source, (tuple, list)) else (source,), n,
                    "moveaxis", "source")
    dst = norm_axes(destination if isinstance(destination, (tuple, list)) else (destination,),
                    n, "moveaxis", "destination")
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {source} and destination {destination} must have "
                         f"the same number of axes")
    order = [a for a in range(n) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    if eager_cpu(x) and (p := int_tuple(tuple(order))) is not None:
        return run_kernel("Transpose", x, p)  # (as permute_dims: a kept permutation tensor)
    return tf.transpose(x, order)


def _reshape_target(known: tuple, shape: tuple) -> bool:
    """Whether the tuple of ints ``shape`` is a reshape of an array of the static shape
    ``known`` that NumPy makes: at most one -1, no size below it, as many elements (with a
    -1: a size that divides them and is not 0)."""
    rest, free = 1, 0
    for s in shape:
        if type(s) is not int or s < -1:
            return False
        if s == -1:
            free += 1
        else:
            rest *= s
    size = 1
    for d in known:
        size *= d
    return size == rest if not free else free == 1 and rest != 0 and size % rest == 0


def reshape(x, /, shape, *, copy=None):
    if (not copy and type(shape) is tuple and eager_cpu(x)
            and _reshape_target(static_shape(x), shape)
            and (target := int_tuple(shape)) is not None):
        # eagerly, a shape of ints that fits: the Reshape kernel on a kept shape tensor
        # (tf.reshape converts a tuple in Python, ~10 us)
        return run_kernel("Reshape", x, target)
    # hot path: without -1, tf.reshape accepts and rejects exactly what the standard does
    # (with -1 it also infers a size for empty arrays, which NumPy rejects)
    if not copy:
        try:
            plain = -1 not in shape
        except TypeError:  # an int shape, or a symbolic size inside tf.function
            plain = False
        if plain:
            try:
                return tf.reshape(x, shape)
            except (ValueError, tf.errors.InvalidArgumentError):
                pass  # a wrong size: the full path says which
    shape = [shape] if isinstance(shape, int) else list(shape)
    known = _static_shape(x)
    if None not in known and all(isinstance(s, int) for s in shape):
        size = 1
        for d in known:
            size *= d
        rest = 1
        for s in shape:
            if s != -1:
                rest *= s
        if shape.count(-1) > 1 or any(s < -1 for s in shape) or (
                (size != rest) if -1 not in shape else (rest == 0 or size % rest)):
            raise ValueError(f"reshape: cannot reshape an array of shape {tuple(known)} "
                             f"({size} elements) to {tuple(shape)}")
    out = tf.reshape(x, shape)
    return tf.identity(out) if copy else out


#: the int32 range, where the Roll kernel takes a Python int shift as it is
_INT32 = range(-(1 << 31), 1 << 31)


def roll(x, /, shift, *, axis=None):
    """tf.roll, with NumPy's shift and axis broadcast against each other (one shift for
    several axes, several for one axis), and x flattened without an axis."""
    if type(shift) is bool:  # (NumPy's 0 or 1; tf.roll refuses a bool)
        shift = int(shift)
    if type(shift) is int and type(axis) is int and eager(x) and -(n := rank(x)) <= axis < n \
            and shift in _INT32:
        # eagerly, one int shift along one axis in range: the Roll kernel itself (tf.roll's
        # Python layers took ~5x its time)
        return run_kernel("Roll", x, shift, axis)
    if axis is None:
        return tf.reshape(roll(tf.reshape(x, [-1]), shift, axis=0), tf.shape(x))
    n = ndim(x, "roll")
    if is_tensor(shift):  # (tf.roll takes int32 or int64 shifts), broadcast as NumPy's
        shift = tf.cast(shift, tf.int64)
        if shift.shape.rank not in (0, 1):
            raise ValueError(f"roll: shift must be a scalar or a 1-d array, got shape "
                             f"{tuple(shift.shape)}")
        shifts, axes = roll_pairs(tf.unstack(shift) if shift.shape.rank else [shift], axis)
        shifts = tf.stack(shifts)
    else:
        shifts, axes = roll_pairs(shift, axis)
        shifts = list(shifts)
    if isinstance(axes, tuple | list):
        axes = [normalize_axis(a, n, "roll") for a in axes]
    else:
        axes = normalize_axis(axes, n, "roll")
    return tf.roll(x, shifts, axes)


def repeat(x, repeats, /, *, axis=None):
    """Repeat each element ``repeats`` times (an int, or a 1-D integer array of one count
    per element along ``axis``); ``axis=None`` repeats the flattened array."""
    if axis is None:
        x = tf.reshape(x, [-1])
        axis = 0
    else:
        axis = normalize_axis(axis, ndim(x, "repeat"), "repeat")
    if is_tensor(repeats):
        if repeats.dtype is tf.bool:  # NumPy's: bools as 0 and 1
            repeats = tf.cast(repeats, tf.int64)
        if not repeats.dtype.is_integer:
            raise TypeError(f"repeat: repeats has dtype {repeats.dtype.name}; it must be an "
                            f"int or an integer array")
        repeats = tf.cast(repeats, tf.int64)
    elif isinstance(repeats, int) and repeats < 0:
        raise ValueError(f"repeat: repeats must be non-negative, got {repeats}")
    return via_int(x, lambda v: tf.repeat(v, repeats, axis=axis))


#: the dtypes TensorFlow's Tile kernel takes as they are, by id (via_int moves the wider
#: unsigned ones; none for float8)
_TILE_DTYPES = frozenset(map(id, (
    tf.bool, tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8, tf.float16, tf.bfloat16,
    tf.float32, tf.float64, tf.complex64, tf.complex128)))


def tile(x, repetitions, /):
    """A bare int ``n`` tiles as ``(n,)``, as NumPy."""
    if (type(repetitions) is tuple and eager_cpu(x) and id(x.dtype) in _TILE_DTYPES
            and len(repetitions) == rank(x)
            and all(type(r) is int and r >= 0 for r in repetitions)
            and (multiples := int_tuple(repetitions)) is not None):
        # eagerly, a count per axis: the Tile kernel on a kept multiples tensor (tf.tile
        # converts a tuple in Python)
        return run_kernel("Tile", x, multiples)
    reps = list(tile_repetitions(repetitions))
    n = ndim(x, "tile")
    if len(reps) < n:
        reps = [1] * (n - len(reps)) + reps
    elif len(reps) > n:
        x = tf.reshape(x, [1] * (len(reps) - n) + shape_list(x))
    return via_int(x, lambda v: tf.tile(v, reps))
