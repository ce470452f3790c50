"""Native PyTorch workflows with crossops models on the torch backend: TorchModuleWrapper
(explicit, in a Sequential, as a model's attribute), train() / eval() as the default of
``training``, state_dict round trips, and Keras's guide "Writing a training loop from
scratch in PyTorch" with crossops's names. Steps run eagerly (jit_compile=False)."""

from __future__ import annotations

import numpy as np
import pytest

import crossops
from crossops import initializers as init
from crossops import layers, losses, models

from .digits import BATCH, EPOCHS, LEARNING_RATE, check_loop, digits, held_out_accuracy, mlp

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.standard_normal((128, 4)).astype(np.float32)
Y = (X @ RNG.standard_normal((4, 2))).astype(np.float32)


def _wrapped_sequential(seed=0):
    torch.manual_seed(seed)
    with crossops.use_backend("torch"):
        return models.Sequential([
            layers.Input((4,)),
            layers.TorchModuleWrapper(torch.nn.Linear(4, 8)),
            layers.Activation("relu"),
            layers.Dense(2, kernel_initializer=init.GlorotUniform(seed=seed)),
        ])


def _copies(model):
    """The weights as copies (on torch ``get_weights`` gives views of the tensors, as
    Keras's ``convert_to_numpy`` does on CPU)."""
    return [w.copy() for w in model.get_weights()]


def _changed(before, after):
    return [not np.allclose(a, b) for a, b in zip(before, after)]


def test_wrapper_tracks_the_module_parameters_and_buffers():
    with crossops.use_backend("torch"):
        wrapper = layers.TorchModuleWrapper(
            torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3)), name="w")
    assert [v.path for v in wrapper.trainable_variables] == [
        "w/0.weight", "w/0.bias", "w/1.weight", "w/1.bias"]
    assert [v.path for v in wrapper.non_trainable_variables] == [
        "w/1.running_mean", "w/1.running_var", "w/1.num_batches_tracked"]
    assert wrapper.count_params() == 4 * 3 + 3 + 3 + 3 + 3 + 3 + 1
    # the variables hold the module's own tensors; parameters() lists each once
    assert wrapper.trainable_variables[0].value is wrapper.module[0].weight
    assert len(list(wrapper.parameters())) == 4


def test_wrapper_only_on_torch():
    with crossops.use_backend("numpy"):
        with pytest.raises(ValueError, match="TorchModuleWrapper.*torch backend"):
            layers.TorchModuleWrapper(torch.nn.Linear(2, 2))
        with pytest.raises(ValueError, match="TorchModuleWrapper.*torch backend"):
            models.Sequential([layers.Input((2,)), torch.nn.Linear(2, 2)])
    with crossops.use_backend("torch"), pytest.raises(ValueError, match="lazy module"):
        layers.TorchModuleWrapper(torch.nn.LazyLinear(2))


def test_wrapper_in_sequential_trained_by_fit_and_weights_round_trip(tmp_path):
    model = _wrapped_sequential()
    assert model.count_params() == 4 * 8 + 8 + 8 * 2 + 2
    before = _copies(model)
    model.compile(optimizer="adam", loss="mse", jit_compile=False)
    history = model.fit(X, Y, epochs=4, batch_size=32, verbose=0, seed=0)
    losses_ = history.history["loss"]
    assert losses_[-1] < losses_[0]
    assert all(_changed(before, model.get_weights()))
    # the module itself was trained (the variables are its parameters)
    np.testing.assert_array_equal(model.layers[0].module.weight.detach().numpy(),
                                  model.get_weights()[0])
    want = model.predict(X[:5], verbose=0)

    path = tmp_path / "w.weights.safetensors"
    model.save_weights(path)
    other = _wrapped_sequential(seed=1)
    assert not np.allclose(other.predict(X[:5], verbose=0), want)
    other.load_weights(path)
    np.testing.assert_allclose(other.predict(X[:5], verbose=0), want, rtol=1e-6)

    third = _wrapped_sequential(seed=2)
    third.set_weights(model.get_weights())
    np.testing.assert_allclose(third.predict(X[:5], verbose=0), want, rtol=1e-6)


def test_wrapper_config_as_keras():
    with crossops.use_backend("torch"):
        wrapper = layers.TorchModuleWrapper(torch.nn.Linear(3, 2), name="lin")
        config = wrapper.get_config()
        assert config["name"] == "lin" and isinstance(config["module"], str)
        with pytest.raises(ValueError, match="safe_mode=False"):
            layers.TorchModuleWrapper.from_config(config)
        again = layers.TorchModuleWrapper.from_config(config, safe_mode=False)
    np.testing.assert_array_equal(again.get_weights()[0], wrapper.get_weights()[0])


def test_bare_module_in_sequential():
    with crossops.use_backend("torch"):
        model = models.Sequential([layers.Input((4,)), torch.nn.Linear(4, 2)])
    assert isinstance(model.layers[0], layers.TorchModuleWrapper)
    assert [v.shape for v in model.trainable_variables] == [(2, 4), (2,)]
    before = _copies(model)
    model.compile(optimizer="sgd", loss="mse", jit_compile=False)
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    assert all(_changed(before, model.get_weights()))


class _WithTorchAttributes(models.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu",
                                   kernel_initializer=init.GlorotUniform(seed=3))
        self.norm = torch.nn.BatchNorm1d(8)
        self.linear = torch.nn.Linear(8, 2)

    def call(self, x, training=False):
        return self.linear(self.norm(self.hidden(x), training=training))


def test_torch_module_attribute_of_a_model_trained_by_fit():
    torch.manual_seed(0)
    with crossops.use_backend("torch"):
        model = _WithTorchAttributes()
    assert isinstance(model.linear, layers.TorchModuleWrapper)
    assert isinstance(model.linear.module, torch.nn.Linear)
    model(torch.from_numpy(X[:2]))
    paths = [v.path for v in model.trainable_variables]
    assert len(paths) == 6 and paths[-2:] == [f"{model.linear.name}/weight",
                                               f"{model.linear.name}/bias"]
    weight = model.linear.module.weight.detach().clone()
    running = model.norm.module.running_mean.clone()
    model.compile(optimizer="adam", loss="mse", jit_compile=False)
    history = model.fit(X, Y, epochs=3, batch_size=32, verbose=0, seed=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert not torch.allclose(model.linear.module.weight, weight)
    # the buffers follow the training steps (4 batches per epoch)
    assert not torch.allclose(model.norm.module.running_mean, running)
    assert int(model.norm.module.num_batches_tracked) == 12
    # evaluate runs in inference: the running statistics stay
    running = model.norm.module.running_mean.clone()
    model.evaluate(X, Y, verbose=0)
    assert torch.equal(model.norm.module.running_mean, running)


def test_train_and_eval_set_the_default_of_training():
    with crossops.use_backend("torch"):
        model = models.Sequential([layers.Input((16,)), layers.Dense(16),
                                   layers.Dropout(0.5, seed=1)])
    x = torch.ones((4, 16))
    with torch.no_grad():
        clean = model(x, training=False)
        # never set: a plain call is in inference, as in Keras (torch modules start in
        # train mode; Keras's layers do not read it)
        assert model.training
        assert torch.equal(model(x), clean)
        model.train()
        a, b = model(x), model(x)
        assert not torch.equal(a, clean) and not torch.equal(a, b)
        assert torch.equal(model(x, training=False), clean)  # an explicit flag wins
        model.eval()
        assert torch.equal(model(x), clean) and torch.equal(model(x), model(x))
        assert not torch.equal(model(x, training=True), clean)
    # fit / evaluate / predict set their own mode and leave the model's as it was
    model.compile(optimizer="sgd", loss="mse", jit_compile=False)
    model.fit(np.ones((8, 16), np.float32), np.ones((8, 16), np.float32), verbose=0)
    with torch.no_grad():
        clean = model(x, training=False).numpy()
    np.testing.assert_array_equal(model.predict(np.ones((4, 16), np.float32), verbose=0),
                                  clean)
    assert not model.training
    np.testing.assert_array_equal(model(x).detach().numpy(), clean)



class _Seen(layers.Layer):
    """Returns what its call was given as ``training`` (a layer of each kind of call
    below), as a float, so that a Sequential's output shows it."""

    def call(self, x, training=None):
        return x * 0 + (-1.0 if training is None else float(training))


class _NoTraining(layers.Layer):
    def call(self, x):
        return x + 1


class _KeywordOnly(layers.Layer):
    def call(self, x, *, training=False):
        return x * 0 + float(training)


class _Positional(layers.Layer):
    def call(self, x, scale, training=None):
        return x * scale + (-1.0 if training is None else float(training))


def test_training_argument_read_once_per_class(monkeypatch):
    """Whether a layer's call takes ``training`` is read from its signature when the class
    is made (or an instance's own ``call`` is set), not on every call: ``training=`` goes
    to a call that takes it and is dropped for one that does not, and after ``train()`` /
    ``eval()`` the mode fills a ``training`` the arguments leave free, positional or
    keyword-only, as before."""
    import inspect
    x = torch.ones((2, 3))
    with crossops.use_backend("torch"):
        seen, plain, keyword, positional = _Seen(), _NoTraining(), _KeywordOnly(), _Positional()
    for layer in (seen, plain, keyword):
        layer(x)  # built
    positional(x, 2.0)

    def no_signature(*args, **kwargs):
        raise AssertionError("a layer call read a signature")
    monkeypatch.setattr(inspect, "signature", no_signature)
    assert torch.equal(seen(x, training=True), torch.ones((2, 3)))
    assert torch.equal(seen(x), -torch.ones((2, 3)))  # no mode set: None
    assert torch.equal(plain(x, training=True), x + 1)  # dropped
    assert torch.equal(keyword(x, training=True), torch.ones((2, 3)))
    seen.eval()
    keyword.train()
    positional.train()
    assert torch.equal(seen(x), torch.zeros((2, 3)))
    assert torch.equal(keyword(x), torch.ones((2, 3)))
    assert torch.equal(positional(x, 2.0), 3 * torch.ones((2, 3)))  # mode: True
    assert torch.equal(positional(x, 2.0, False), 2 * torch.ones((2, 3)))  # given
    monkeypatch.undo()

    # an instance's own call: its signature is read when it is set
    plain.call = lambda inputs, training=None: inputs * 0 + float(bool(training))
    assert torch.equal(plain(x, training=True), torch.ones((2, 3)))
    seen.call = lambda inputs: inputs - 1
    assert torch.equal(seen(x, training=True), torch.zeros((2, 3)))
    assert _NoTraining()._call_accepts_training is False  # the class is as it was

def test_state_dict_round_trip():
    model = _wrapped_sequential()
    with crossops.use_backend("torch"):
        model.add(layers.BatchNormalization())
    x = torch.from_numpy(X[:6])
    model.eval()
    want = model(x).detach()
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    assert any(k.endswith("module.weight") for k in saved)
    model.set_weights([np.asarray(w) * 0 + 0.5 for w in model.get_weights()])
    assert not torch.allclose(model(x), want)
    result = model.load_state_dict(saved)
    assert not result.missing_keys and not result.unexpected_keys
    torch.testing.assert_close(model(x).detach(), want)
    np.testing.assert_array_equal(model.get_weights()[0], saved[next(iter(saved))].numpy())


def test_keras_guide_training_loop_from_scratch():
    """Keras's guide "Writing a training loop from scratch in PyTorch" on digits: a crossops
    model trained by torch.optim.Adam on model.parameters(), with a crossops loss on torch
    tensors, reaches the test accuracy that fit reaches on torch (tests/digits.py)."""
    x_train, y_train, _, _ = digits()
    data = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x_train), torch.from_numpy(y_train)),
        batch_size=BATCH, shuffle=False)  # fit's order (shuffle=False), batch for batch
    with crossops.use_backend("torch"):
        model = mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = losses.SparseCategoricalCrossentropy(from_logits=True)
    epoch_losses = []
    model.train()
    for _ in range(EPOCHS):
        total = 0.0
        for inputs, targets in data:
            logits = model(inputs)
            loss = loss_fn(targets, logits)
            model.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(inputs)
        epoch_losses.append(total / len(x_train))
    assert epoch_losses[-1] < epoch_losses[0]
    model.eval()
    check_loop("torch", held_out_accuracy(model))


# -- torch.autocast ----------------------------------------------------------------------

def _bf16_close(actual, desired):
    """Equal within bfloat16's resolution (8 significant bits: a few units in the last place
    after a short chain of bfloat16 roundings)."""
    torch.testing.assert_close(actual.float(), desired.float(), rtol=2e-2, atol=2e-2)


def _autocast():
    return torch.autocast("cpu", dtype=torch.bfloat16)


def test_autocast_dense_computes_as_torch_linear():
    torch.manual_seed(0)
    x = torch.randn(16, 8)
    linear = torch.nn.Linear(8, 5)
    with crossops.use_backend("torch"):
        dense = layers.Dense(5)
        dense(x)
    dense.set_weights([linear.weight.detach().T.numpy(), linear.bias.detach().numpy()])
    with _autocast():
        want, got = linear(x), dense(x)
    assert want.dtype == got.dtype == torch.bfloat16
    _bf16_close(got, want)
    # the gradients reach the float32 weights, as torch's do
    (got.float() ** 2).sum().backward()
    (want.float() ** 2).sum().backward()
    assert dense.kernel.value.dtype == dense.kernel.value.grad.dtype == torch.float32
    _bf16_close(dense.kernel.value.grad, linear.weight.grad.T)
    _bf16_close(dense.bias.value.grad, linear.bias.grad)
    # outside the region: float32 again
    assert dense(x).dtype == torch.float32


def test_autocast_conv_and_einsum_dense_compute_as_torch():
    torch.manual_seed(0)
    images = torch.randn(2, 7, 7, 3)
    conv2d = torch.nn.Conv2d(3, 4, 3)
    x = torch.randn(6, 8)
    linear = torch.nn.Linear(8, 5)
    with crossops.use_backend("torch"):
        conv = layers.Conv2D(4, 3)
        conv(images)
        einsum = layers.EinsumDense("ab,bc->ac", output_shape=5, bias_axes="c")
        einsum(x)
    conv.set_weights([conv2d.weight.detach().permute(2, 3, 1, 0).numpy(),
                      conv2d.bias.detach().numpy()])
    einsum.set_weights([linear.weight.detach().T.numpy(), linear.bias.detach().numpy()])
    with _autocast():
        want_conv = conv2d(images.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        got_conv = conv(images)
        want_einsum, got_einsum = linear(x), einsum(x)
    assert want_conv.dtype == got_conv.dtype == torch.bfloat16
    assert want_einsum.dtype == got_einsum.dtype == torch.bfloat16
    _bf16_close(got_conv, want_conv)
    _bf16_close(got_einsum, want_einsum)
    got_conv.float().sum().backward()
    assert conv.kernel.value.grad.dtype == torch.float32
    assert torch.isfinite(conv.kernel.value.grad).all()


def test_autocast_einsum_and_conv_ops_as_torch():
    """The ops give torch.autocast's dtype where torch's own functions do (as matmul)."""
    import crossops.numpy as xnp
    from crossops import nn
    torch.manual_seed(0)
    a, b = torch.randn(3, 4), torch.randn(4, 5)
    images, kernel = torch.randn(2, 6, 6, 3), torch.randn(3, 3, 3, 4)
    with _autocast():
        for got, want in [
                (xnp.matmul(a, b), torch.matmul(a, b)),
                (xnp.einsum("ab,bc->ac", a, b), torch.einsum("ab,bc->ac", a, b)),
                (nn.conv(images, kernel), torch.nn.functional.conv2d(
                    images.permute(0, 3, 1, 2), kernel.permute(3, 2, 0, 1)).permute(
                        0, 2, 3, 1))]:
            assert got.dtype == want.dtype == torch.bfloat16
            _bf16_close(got, want)
    assert xnp.einsum("ab,bc->ac", a, b).dtype == torch.float32  # outside: float32


def test_autocast_multi_head_attention():
    torch.manual_seed(0)
    x = torch.randn(2, 5, 8)
    with crossops.use_backend("torch"):
        mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
        want = mha(x, x).detach()
    with _autocast():
        got = mha(x, x)
    assert got.dtype == torch.bfloat16
    _bf16_close(got, want)  # the float32 result, within bfloat16's resolution
    got.float().sum().backward()
    assert all(v.value.grad is not None and v.value.grad.dtype == torch.float32
               for v in mha.trainable_variables)


# -- TorchModuleWrapper under dtype policies ---------------------------------------------

@pytest.fixture
def float32_policy():
    """The test may set the global policy: restored to float32 after it."""
    from crossops import mixed_precision
    yield mixed_precision
    mixed_precision.set_global_policy("float32")


def test_wrapper_mixed_policy_computes_as_torch_autocast(float32_policy):
    """Under "mixed_bfloat16" the wrapped module runs as under torch.autocast: bfloat16
    outputs, float32 parameters and gradients (Keras 3.15.1's wrapper raises instead)."""
    torch.manual_seed(0)
    x = torch.randn(6, 4)
    linear = torch.nn.Linear(4, 3)
    with crossops.use_backend("torch"):
        wrapper = layers.TorchModuleWrapper(linear, dtype="mixed_bfloat16")
    assert (wrapper.compute_dtype, wrapper.variable_dtype) == ("bfloat16", "float32")
    got = wrapper(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        want = linear(x)
    assert got.dtype == want.dtype == torch.bfloat16
    torch.testing.assert_close(got, want)
    got.float().sum().backward()
    assert linear.weight.dtype == linear.weight.grad.dtype == torch.float32

    # the global policy: a bare module in a Sequential, called and trained by fit
    float32_policy.set_global_policy("mixed_bfloat16")
    with crossops.use_backend("torch"):
        model = models.Sequential([layers.Input((4,)), layers.Dense(8), torch.nn.Linear(8, 2)])
    assert model.layers[1].dtype_policy.name == "mixed_bfloat16"
    assert model(torch.from_numpy(X[:3])).dtype == torch.bfloat16
    before = _copies(model)
    model.compile(optimizer="sgd", loss="mse", jit_compile=False)
    history = model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    assert np.isfinite(history.history["loss"][-1])
    assert all(_changed(before, model.get_weights()))
    assert all(v.value.dtype == torch.float32 for v in model.trainable_variables)


def test_wrapper_casts_floating_inputs_to_the_compute_dtype():
    """Keras's input conversion: float64 data reaches a float32 module as float32; integer
    inputs pass as they are."""
    torch.manual_seed(0)
    linear = torch.nn.Linear(4, 3)
    embedding = torch.nn.Embedding(10, 2)
    with crossops.use_backend("torch"):
        wrapper = layers.TorchModuleWrapper(linear)
        lookup = layers.TorchModuleWrapper(embedding)
    x = torch.randn(5, 4, dtype=torch.float64)
    got = wrapper(x)
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, linear(x.float()))
    ids = torch.tensor([[1, 2], [3, 9]])
    torch.testing.assert_close(lookup(ids), embedding(ids))


FRESH_UNDER_COMPILE = """
import copy, torch, crossops
from torch._dynamo.utils import counters
from crossops import layers, models
crossops.set_backend("torch")
torch.manual_seed(0)
if KIND == "sequential":
    model = models.Sequential([layers.Dense(16, activation="relu"),
                               layers.Dropout(0.5, seed=1), layers.Dense(4)])
else:
    class Net(torch.nn.Module):  # crossops layers inside a user's module
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(16, activation="relu")
            self.out = torch.nn.Linear(16, 4)

        def forward(self, x):
            return self.out(self.dense(x))

    model = Net()
compiled = torch.compile(model)
x = torch.randn(8, 8)
got = [compiled(x) for _ in range(3)]
graphs, breaks = counters["stats"]["unique_graphs"], sum(counters["graph_break"].values())
eager = model(x)
assert all(torch.equal(g, eager) for g in got), "compiled calls differ from eager"
print(graphs, breaks)
"""


@pytest.mark.parametrize("kind, graphs", [("sequential", 1), ("module", 2)])
def test_fresh_layers_under_torch_compile_build_eagerly(kind, graphs):
    """A compiled function whose first call builds crossops layers runs each build
    eagerly (one graph break per compiled frame) instead of tracing it: before, a fresh
    Sequential of three layers compiled 15 graphs with 48 graph breaks. The second call
    compiles again once, for the built layers (dynamo guards on ``built``). In a fresh
    process, as torch.compile's counters and caches are global."""
    import subprocess
    import sys
    script = FRESH_UNDER_COMPILE.replace("KIND", repr(kind))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert tuple(map(int, done.stdout.split()[-2:])) == (graphs, 2)


EVERY_MODEL_COMPILES = """
import numpy as np, torch._dynamo, crossops
from torch._dynamo.utils import counters
from crossops import initializers as init, layers, models
x = np.ones((128, 4), np.float32)
y = np.ones((128, 2), np.float32)
with crossops.use_backend("torch"), torch._dynamo.config.patch(recompile_limit=1):
    for seed in range(2):
        model = models.Sequential([
            layers.Input((4,)),
            layers.Dense(2, kernel_initializer=init.GlorotUniform(seed=seed))])
        model.compile(optimizer="sgd", loss="mse", jit_compile=True)
        graphs = counters["stats"]["unique_graphs"]
        model.fit(x, y, batch_size=64, epochs=1, verbose=0)
        print(counters["stats"]["unique_graphs"] - graphs)
"""


def test_every_model_compiles_its_own_step():
    """torch.compile keeps its graphs, and its limit of recompiles, on a code object: each
    model's compiled step has its own, so that the 9th model of a process compiles as the
    first did (when every model's step shared one, later models' steps ran eagerly,
    silently). Here with torch's limit at 1, so that two models show it; in a fresh
    process, as torch.compile's counters and caches are global."""
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", EVERY_MODEL_COMPILES], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    new_graphs = list(map(int, done.stdout.split()[-2:]))
    assert len(new_graphs) == 2 and all(n > 0 for n in new_graphs), new_graphs
