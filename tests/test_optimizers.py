"""The functional optimizers against Keras 3's own optimizers (the reference: same
arguments, same gradients, same numbers), on every backend, eager and compiled."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from crossops import optimizers

from .backends import backend_context, to_backend, to_numpy

KERAS = importlib.util.find_spec("keras") is not None
needs_keras = pytest.mark.skipif(not KERAS, reason="keras (the reference) is not installed")

# (crossops builder, Keras class name, arguments): every option Keras has in common
CASES = {
    "sgd": ("sgd", "SGD", {}),
    "sgd_momentum": ("sgd", "SGD", {"momentum": 0.9}),
    "sgd_nesterov": ("sgd", "SGD", {"momentum": 0.9, "nesterov": True}),
    "adam": ("adam", "Adam", {}),
    "adam_amsgrad": ("adam", "Adam", {"amsgrad": True}),
    "adamw": ("adamw", "AdamW", {"weight_decay": 0.1}),
    "adamax": ("adamax", "Adamax", {}),
    "nadam": ("nadam", "Nadam", {}),
    "rmsprop": ("rmsprop", "RMSprop", {}),
    "rmsprop_centered_momentum": ("rmsprop", "RMSprop", {"centered": True, "momentum": 0.5}),
    "adagrad": ("adagrad", "Adagrad", {}),
    "adadelta": ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    "lion": ("lion", "Lion", {}),
    "sgd_weight_decay": ("sgd", "SGD", {"weight_decay": 0.05}),
    "adam_clipnorm": ("adam", "Adam", {"clipnorm": 0.5}),
    "adam_clipvalue": ("adam", "Adam", {"clipvalue": 0.3}),
    "sgd_global_clipnorm": ("sgd", "SGD", {"global_clipnorm": 0.7}),
    "adam_accumulation": ("adam", "Adam", {"gradient_accumulation_steps": 3}),
}
SCHEDULES = {
    "ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
    "ExponentialDecay_staircase": {"initial_learning_rate": 0.1, "decay_steps": 2,
                                       "decay_rate": 0.5, "staircase": True},
    "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5},
    "PiecewiseConstantDecay": {"boundaries": [1, 3], "values": [0.1, 0.05, 0.01]},
    "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 4, "power": 2.0},
    "PolynomialDecay_cycle": {"initial_learning_rate": 0.1, "decay_steps": 2, "cycle": True},
    "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 5, "alpha": 0.1},
    "CosineDecay_warmup": {"initial_learning_rate": 0.0, "decay_steps": 5, "warmup_target": 0.1,
                               "warmup_steps": 2},
}
STEPS = 7


def _problem():
    rng = np.random.default_rng(0)
    params = {"w": rng.standard_normal((3, 4)).astype(np.float32),
              "b": rng.standard_normal(4).astype(np.float32)}
    grads = [{k: rng.standard_normal(v.shape).astype(np.float32) for k, v in params.items()}
             for _ in range(STEPS)]
    return params, grads


def _keras_run(cls_name, kwargs, params, grads, schedule=None):
    import keras
    if schedule is not None:
        name, args = schedule
        kwargs = dict(kwargs, learning_rate=getattr(keras.optimizers.schedules,
                                                    name.split("_")[0])(**args))
    opt = getattr(keras.optimizers, cls_name)(**kwargs)
    names = sorted(params)
    variables = [keras.Variable(params[k]) for k in names]
    for g in grads:
        opt.apply([keras.ops.convert_to_tensor(g[k]) for k in names], variables)
    # Variable.numpy(): NumPy 2 warns (DeprecationWarning) that the __array__ of a Keras
    # TensorFlow variable, which convert_to_numpy would use, takes no copy keyword
    return {k: v.numpy() for k, v in zip(names, variables)}


def _ours_run(backend, builder, kwargs, params, grads, compile_=None, schedule=None):
    if schedule is not None:
        name, args = schedule
        kwargs = dict(kwargs, learning_rate=getattr(optimizers, name.split("_")[0])(**args))
    opt = getattr(optimizers, builder)(**kwargs)
    with backend_context(backend):
        p = {k: to_backend(backend, v) for k, v in params.items()}
        state = opt.init(p)
        update = opt.update if compile_ is None else compile_(opt.update)
        for g in grads:
            p, state = update({k: to_backend(backend, v) for k, v in g.items()}, state, p)
        return {k: to_numpy(v) for k, v in p.items()}, int(to_numpy(state.iterations))


@needs_keras
@pytest.mark.parametrize("case", sorted(CASES))
def test_optimizer_matches_keras(case, backend):
    builder, cls_name, kwargs = CASES[case]
    params, grads = _problem()
    want = _keras_run(cls_name, kwargs, params, grads)
    got, iterations = _ours_run(backend, builder, kwargs, params, grads)
    steps = kwargs.get("gradient_accumulation_steps", 1)
    assert iterations == STEPS // steps
    for k in params:
        np.testing.assert_allclose(got[k], want[k], rtol=2e-5, atol=2e-6, err_msg=k)


@needs_keras
@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_schedule_matches_keras(schedule, backend):
    params, grads = _problem()
    sched = (schedule, SCHEDULES[schedule])
    want = _keras_run("SGD", {}, params, grads, schedule=sched)
    got, _ = _ours_run(backend, "sgd", {}, params, grads, schedule=sched)
    for k in params:
        np.testing.assert_allclose(got[k], want[k], rtol=2e-5, atol=2e-6, err_msg=k)


def _compiler(backend):
    if backend == "jax":
        import jax
        return jax.jit
    import tensorflow as tf
    return tf.function


@pytest.mark.parametrize("case", ["sgd_nesterov", "adam_amsgrad", "nadam", "lion",
                                  "adam_accumulation", "rmsprop_centered_momentum"])
def test_update_compiles(case, cbackend):
    """``update`` traced by jax.jit / tf.function gives the eager numbers (the state is a
    pytree of arrays; accumulation needs no Python control flow)."""
    builder, _, kwargs = CASES[case]
    params, grads = _problem()
    eager, _ = _ours_run(cbackend, builder, kwargs, params, grads)
    compiled, _ = _ours_run(cbackend, builder, kwargs, params, grads,
                            compile_=_compiler(cbackend))
    for k in params:
        np.testing.assert_allclose(compiled[k], eager[k], rtol=1e-6, atol=1e-7)


def test_update_keeps_dtypes_and_never_mutates(backend):
    params, grads = _problem()
    with backend_context(backend):
        p = {k: to_backend(backend, v.astype(np.float16)) for k, v in params.items()}
        before = {k: to_numpy(v).copy() for k, v in p.items()}
        opt = optimizers.adam(0.1)
        new, _state = opt.update({k: to_backend(backend, v) for k, v in grads[0].items()},
                                opt.init(p), p)
        assert {str(to_numpy(v).dtype) for v in new.values()} == {"float16"}
        for k, v in p.items():
            np.testing.assert_array_equal(to_numpy(v), before[k])


def test_bad_arguments():
    with pytest.raises(ValueError, match="at most one of clipnorm"):
        optimizers.sgd(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.adam(gradient_accumulation_steps=1)
    with pytest.raises(TypeError, match="adam: unknown arguments"):
        optimizers.adam(momentum=0.9)
    opt = optimizers.sgd()
    params = [np.zeros(2), np.zeros(3)]
    with pytest.raises(ValueError, match="sgd.update"):
        opt.update([np.zeros(2)], opt.init(params), params)


def test_gradient_accumulation_counters_are_separate_variables(backend):
    """iterations and calls start equal but are two arrays: an in-place assign of one
    (torch variables) must not change the other."""
    from crossops.layers import Variable
    with backend_context(backend):
        w = Variable(to_backend(backend, np.ones(2, np.float32)))
        opt = optimizers.SGD(learning_rate=0.5, gradient_accumulation_steps=2)
        for _ in range(3):
            opt.apply([to_backend(backend, np.ones(2, np.float32))], [w])
        state = opt._state([v.value for v in opt.variables])
        assert (int(to_numpy(state.iterations)), int(to_numpy(state.calls))) == (1, 3)
        np.testing.assert_allclose(w.numpy(), [0.5, 0.5])


def test_built_optimizer_keeps_its_state_in_its_variables_only(backend):
    """The initial slots are as large as the model: once the variables hold them (a
    tf.Variable copies its initial value), the optimizer keeps only their layout."""
    from crossops.layers import Variable
    from crossops.optimizers._functional import state_leaves
    with backend_context(backend):
        w = Variable(to_backend(backend, np.ones(4, np.float32)))
        opt = optimizers.Adam(learning_rate=0.1)
        opt.build([w])
        assert len(opt.variables) == 4  # iterations, m, v, calls
        assert all(x is None for x in state_leaves(opt._layout))
        opt.apply([to_backend(backend, np.ones(4, np.float32))], [w])
        assert int(opt.iterations) == 1
        step = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9) * 0.1 / (np.sqrt(0.001) + 1e-7)
        np.testing.assert_allclose(w.numpy(), 1 - step, rtol=1e-6)  # Keras's first step


def test_torch_updates_record_no_autograd_graph():
    """Trainable torch variables are nn.Parameters; the updated values must not chain a
    graph back to them (every step would keep the previous ones alive)."""
    torch = pytest.importorskip("torch")
    from crossops.layers import Variable
    w = Variable(torch.nn.Parameter(torch.ones(3)))
    opt = optimizers.Adam(learning_rate=0.1)
    opt.build([w])
    new, state = opt.stateless_apply([v.value for v in opt.variables], [torch.ones(3)],
                                     [w.value])
    assert not new[0].requires_grad and new[0].grad_fn is None
    assert all(not s.requires_grad for s in state)


@pytest.mark.parametrize("case", ["sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay",
                                  "adam", "adam_amsgrad", "adamw", "adam_accumulation"])
def test_torch_multi_tensor_form_matches_the_rules(case, monkeypatch):
    """Eager torch updates go through torch._foreach_* kernels
    (crossops/backends/torch/optimizers.py): the same numbers as the rules' crossops form,
    up to the rounding of fused kernels, and the inputs untouched."""
    pytest.importorskip("torch")
    from crossops.backends.torch import optimizers as forms
    builder, _, kwargs = CASES[case]
    params, grads = _problem()
    taken = []
    usable = forms.usable
    monkeypatch.setattr(forms, "usable", lambda p, g: taken.append(usable(p, g)) or taken[-1])
    fast, _ = _ours_run("torch", builder, kwargs, params, grads)
    assert taken and all(taken)
    monkeypatch.setattr(forms, "usable", lambda p, g: False)
    rules, _ = _ours_run("torch", builder, kwargs, params, grads)
    for k in params:
        np.testing.assert_allclose(fast[k], rules[k], rtol=1e-6, atol=1e-7, err_msg=k)


@pytest.mark.parametrize("case", ["0-d", "empty", "float64", "transposed", "beta_2=1",
                                  "weight_decay", "step_1000"])
def test_torch_fused_adam_matches_the_rules(case, monkeypatch):
    """Eager torch Adam on CPU runs torch._fused_adam_ (one pass per variable) on copies:
    the rules' numbers up to rounding, the moments with the same bits as the separate
    kernels, nothing given written (parameters, gradients, slots); a transposed variable
    and ``beta_2 = 1`` (a bias correction of 0, no update) run the separate kernels."""
    torch = pytest.importorskip("torch")
    from crossops.backends.torch import optimizers as forms
    dtype = torch.float64 if case == "float64" else torch.float32
    shape = {"0-d": (), "empty": (0, 3)}.get(case, (3, 4))
    gen = torch.Generator().manual_seed(0)
    params = [torch.randn(shape, generator=gen, dtype=dtype), torch.randn(4, dtype=dtype)]
    if case == "transposed":
        params[0] = params[0].t()
    grads = [torch.randn(p.shape, generator=gen, dtype=dtype) for p in params]
    kwargs = {"beta_2": 1.0} if case == "beta_2=1" else {}
    if case == "weight_decay":
        kwargs["weight_decay"] = 0.1
    opt = optimizers.adam(learning_rate=0.01, **kwargs)
    state = opt.init(params)
    if case == "step_1000":  # bias corrections near 1
        state = state._replace(iterations=torch.tensor(999, dtype=torch.int32))
    given = [*params, *grads, *(x for s in state.slots for x in s)]
    before = [x.clone() for x in given]
    fused = []
    real = forms._adam_fused
    monkeypatch.setattr(forms, "_adam_fused", lambda *a, **k: fused.append(1) or real(*a, **k))
    fast = opt.update(grads, state, params)
    assert bool(fused) == (case not in ("transposed", "beta_2=1"))
    assert all(torch.equal(x, b) for x, b in zip(given, before))
    monkeypatch.setattr(forms, "usable", lambda p, g: False)
    rules = opt.update(grads, state, params)
    for a, b in zip(fast[0], rules[0]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)
    if case == "beta_2=1":  # Keras's alpha is 0: the parameters stay
        assert all(torch.equal(a, p) for a, p in zip(fast[0], params))
    monkeypatch.setattr(forms, "usable", lambda p, g: True)
    monkeypatch.setattr(forms, "_fusable", lambda *a: False)
    separate = opt.update(grads, state, params)
    for (m, v), (m2, v2) in zip(fast[1].slots, separate[1].slots):
        assert torch.equal(m, m2) and torch.equal(v, v2)


@pytest.mark.parametrize("case", ["sgd", "sgd_momentum", "sgd_nesterov", "sgd_weight_decay",
                                  "adam", "adam_amsgrad", "adamw", "adam_accumulation"])
def test_torch_donated_update_writes_the_same_bits_in_place(case):
    """A fit step gives its state up to the update (``_functional.donated``): the torch
    forms then write the new parameters and slots into the given tensors, as torch.optim
    does, with the same bits as the pure forms; gradient accumulation, which may keep the
    old parameters, and an update given nothing up leave their inputs untouched."""
    pytest.importorskip("torch")
    from crossops.optimizers._functional import donated, state_leaves
    builder, _, kwargs = CASES[case]
    params, grads = _problem()
    opt = getattr(optimizers, builder)(**kwargs)

    def run(give_up):
        p = [to_backend("torch", v) for v in params.values()]
        state = opt.init(p)
        for g in grads:
            given = [*p, *(x for s in state.slots for x in s)]
            before = [x.clone() for x in given]
            with donated(given if give_up else []):
                new_p, new_state = opt.update([to_backend("torch", g[k]) for k in params],
                                              state, p)
            new_given = [*new_p, *(x for s in new_state.slots for x in s)]
            if give_up and "accumulation" not in case:
                assert all(a is b for a, b in zip(new_given, given))
            else:
                assert all(np.array_equal(to_numpy(x), to_numpy(b))
                           for x, b in zip(given, before))
            p, state = new_p, new_state
        return [to_numpy(x) for x in [*p, *state_leaves(state)]]

    with backend_context("torch"):
        for a, b in zip(run(True), run(False)):
            np.testing.assert_array_equal(a, b)
