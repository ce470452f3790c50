"""BERT (crossops.applications.bert) against Hugging Face transformers: a small random
``transformers.BertModel`` saved with ``save_pretrained`` loads on every backend and gives
the same ``last_hidden_state`` and ``pooler_output``; bad checkpoints raise and leave the
model unchanged."""

from __future__ import annotations

import doctest
import json
import shutil

import numpy as np
import pytest

import crossops

from .backends import BACKENDS, to_backend

ATOL = 1e-5
HF_CONFIG = dict(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=37, hidden_act="gelu", max_position_embeddings=64,
                 type_vocab_size=3)


def _inputs():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 99, (3, 9)).astype(np.int64)
    types = rng.integers(0, 3, (3, 9)).astype(np.int64)
    mask = np.ones((3, 9), np.int64)
    mask[0, 6:] = 0  # padding at the end
    mask[1, 2] = 0   # and a masked position inside a sequence
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


@pytest.fixture(scope="module")
def hf_checkpoint(tmp_path_factory):
    """A random transformers BertModel saved with save_pretrained (safetensors), and its
    outputs (eval mode, float32) on :func:`_inputs`. Every parameter is perturbed, so that
    the biases and the layer norms (zeros and ones at init) are checked too."""
    transformers = pytest.importorskip("transformers")
    import torch
    torch.manual_seed(0)
    hf = transformers.BertModel(transformers.BertConfig(**HF_CONFIG)).eval()
    with torch.no_grad():
        for p in hf.parameters():
            p.add_(0.1 * torch.randn_like(p))
        x = {k: torch.from_numpy(v) for k, v in _inputs().items()}
        ref = hf(**x)
    directory = tmp_path_factory.mktemp("bert_hf")
    hf.save_pretrained(directory)
    assert (directory / "model.safetensors").is_file()
    outputs = {"last_hidden_state": ref.last_hidden_state.numpy(),
               "pooler_output": ref.pooler_output.numpy()}
    return directory, outputs


def _tensors(directory):
    from safetensors.numpy import load_file
    return load_file(str(directory / "model.safetensors"))


def _checkpoint(tmp_path, tensors, config=None):
    """A save_pretrained-like directory with ``tensors`` (and the test's config)."""
    from safetensors.numpy import save_file
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.json").write_text(json.dumps(config or {"model_type": "bert",
                                                               **HF_CONFIG}))
    save_file(tensors, str(tmp_path / "model.safetensors"))
    return tmp_path


def _max_diffs(out, ref):
    return {k: float(np.max(np.abs(crossops.to_numpy(out[k]) - ref[k]))) for k in ref}


def test_matches_transformers(backend, hf_checkpoint):
    from crossops.applications.bert import BertModel
    directory, ref = hf_checkpoint
    with crossops.use_backend(backend):
        model = BertModel.from_pretrained(directory)
        x = {k: to_backend(backend, v) for k, v in _inputs().items()}
        out = model(x["input_ids"], attention_mask=x["attention_mask"],
                    token_type_ids=x["token_type_ids"])
    assert {type(v) for v in out.values()} == {type(x["input_ids"])}
    diffs = _max_diffs(out, ref)
    print(f"{backend}: max |crossops - transformers| {diffs}")
    assert max(diffs.values()) < ATOL, diffs


@pytest.mark.skipif("jax" not in BACKENDS, reason="jax is not installed")
def test_compiled_matches_transformers(hf_checkpoint):
    """predict on jax: the model's stateless call compiled with jax.jit."""
    from crossops.applications.bert import BertModel
    directory, ref = hf_checkpoint
    with crossops.use_backend("jax"):
        model = BertModel.from_pretrained(directory)
        assert model._use_jit()
        out = model.predict(_inputs(), batch_size=3, verbose=0)
    diffs = _max_diffs(out, ref)
    print(f"jax compiled (predict): max |crossops - transformers| {diffs}")
    assert max(diffs.values()) < ATOL, diffs


def test_prefixed_checkpoint_with_heads_and_old_names(tmp_path, hf_checkpoint):
    """A checkpoint of a model with heads (``bert.`` prefix, head parameters skipped) and
    TensorFlow-era LayerNorm names (gamma, beta) loads as the plain one."""
    from crossops.applications.bert import BertModel
    directory, ref = hf_checkpoint
    tensors = {}
    for k, v in _tensors(directory).items():
        if ".LayerNorm." in k:
            k = k.replace(".weight", ".gamma").replace(".bias", ".beta")
        tensors["bert." + k] = v
    tensors["cls.predictions.bias"] = np.zeros(99, np.float32)
    tensors["bert.embeddings.position_ids"] = np.arange(64)[None]  # an old saved buffer
    model = BertModel.from_pretrained(_checkpoint(tmp_path, tensors))
    assert max(_max_diffs(model(_inputs()), ref).values()) < ATOL


def test_checkpoint_without_pooler(tmp_path, hf_checkpoint):
    from crossops.applications.bert import BertModel
    directory, ref = hf_checkpoint
    tensors = {k: v for k, v in _tensors(directory).items() if not k.startswith("pooler.")}
    path = _checkpoint(tmp_path, tensors)
    model = BertModel.from_pretrained(path)
    out = model(_inputs())
    assert sorted(out) == ["last_hidden_state"]
    assert _max_diffs(out, {"last_hidden_state": ref["last_hidden_state"]})[
        "last_hidden_state"] < ATOL
    with pytest.raises(ValueError, match=r"missing \(2\): pooler.dense.bias, "
                                         r"pooler.dense.weight.*add_pooling_layer=False"):
        BertModel.from_pretrained(path, add_pooling_layer=True)


def _bad_cases(tensors):
    q = "encoder.layer.1.attention.self.query.weight"
    missing = {k: v for k, v in tensors.items() if k != q}
    shape = {**tensors, "encoder.layer.0.intermediate.dense.weight": np.zeros((36, 32),
                                                                                np.float32)}
    unexpected = {**tensors, "encoder.layer.2.output.dense.bias": np.zeros(32, np.float32)}
    integer = {**tensors, "pooler.dense.bias": np.zeros(32, np.int32)}
    return {
        "missing": (missing, rf"missing \(1\): {q}"),
        "shape": (shape, r"encoder.layer.0.intermediate.dense.weight: the file's \(36, 32\), "
                         r"the model's \(37, 32\)"),
        "unexpected": (unexpected, r"unexpected \(1\): encoder.layer.2.output.dense.bias"),
        "dtype": (integer, r"pooler.dense.bias: the file's dtype int32"),
    }


@pytest.mark.parametrize("case", ["missing", "shape", "unexpected", "dtype"])
def test_bad_checkpoint_raises_and_leaves_the_model_unchanged(tmp_path, hf_checkpoint, case):
    from crossops.applications.bert import BertConfig, BertModel
    directory, _ = hf_checkpoint
    tensors, message = _bad_cases(_tensors(directory))[case]
    path = _checkpoint(tmp_path, tensors)
    model = BertModel(BertConfig(**HF_CONFIG))
    model.build()
    before = model.get_weights()
    with pytest.raises(ValueError, match=message + ".*Nothing was loaded"):
        model.load_pretrained_weights(path)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=message):
        BertModel.from_pretrained(path)


def test_foreign_and_broken_files(tmp_path, hf_checkpoint):
    from crossops.applications.bert import BertConfig, BertModel
    directory, _ = hf_checkpoint
    model = BertModel(BertConfig(**HF_CONFIG))
    model.build()
    before = model.get_weights()
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    shutil.copy(directory / "config.json", pickled / "config.json")
    (pickled / "pytorch_model.bin").write_bytes(b"not read")
    with pytest.raises(FileNotFoundError, match=r"pytorch_model.bin but no model.safetensors"
                                                r".*only safetensors.*save_pretrained"):
        BertModel.from_pretrained(pickled)
    with pytest.raises(FileNotFoundError, match="pytorch_model.bin but no model.safetensors"):
        model.load_pretrained_weights(pickled)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.safetensors").write_bytes(b"\xff" * 64)
    with pytest.raises(ValueError, match=r"cannot read .*model.safetensors.*header"):
        model.load_pretrained_weights(broken)
    with pytest.raises(FileNotFoundError, match="no config.json"):
        BertModel.from_pretrained(broken)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_sharded_checkpoint(tmp_path, hf_checkpoint):
    """``model.safetensors.index.json`` and its shards."""
    from safetensors.numpy import save_file

    from crossops.applications.bert import BertModel
    directory, ref = hf_checkpoint
    tensors = _tensors(directory)
    keys = sorted(tensors)
    shards = {"model-00001-of-00002.safetensors": keys[:10],
              "model-00002-of-00002.safetensors": keys[10:]}
    for name, part in shards.items():
        save_file({k: tensors[k] for k in part}, str(tmp_path / name))
    (tmp_path / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {}, "weight_map": {k: n for n, part in shards.items() for k in part}}))
    shutil.copy(directory / "config.json", tmp_path / "config.json")
    model = BertModel.from_pretrained(tmp_path)
    assert max(_max_diffs(model(_inputs()), ref).values()) < ATOL


def test_config():
    from crossops.applications.bert import BertConfig, BertModel
    config = BertConfig.from_dict({"model_type": "bert", "torch_dtype": "float32",
                                   **HF_CONFIG})
    assert config == BertConfig(**HF_CONFIG) and config.head_dim == 8
    assert BertConfig.from_dict(config.to_dict()) == config
    for bad, message in (({"is_decoder": True}, "is_decoder=True"),
                         ({"position_embedding_type": "relative_key"},
                          "position_embedding_type='relative_key'"),
                         ({"model_type": "roberta"}, "model_type='roberta'")):
        with pytest.raises(ValueError, match=f"not supported: {message}"):
            BertConfig.from_dict({**HF_CONFIG, **bad})
    with pytest.raises(ValueError, match="hidden_act 'gelu_10' is not supported"):
        BertConfig(hidden_act="gelu_10")
    model = BertModel(config, add_pooling_layer=False, name="bert")
    again = BertModel.from_config(model.get_config())
    assert again.config == config and again.pooler is None and again.name == "bert"


def test_call_arguments():
    from crossops.applications.bert import BertConfig, BertModel
    model = BertModel(BertConfig(**HF_CONFIG))
    x = _inputs()
    a = model(x)["last_hidden_state"]
    b = model(x["input_ids"], attention_mask=x["attention_mask"],
              token_type_ids=x["token_type_ids"],
              position_ids=np.arange(9)[None])["last_hidden_state"]
    np.testing.assert_allclose(a, b, atol=1e-6)
    with pytest.raises(ValueError, match="attention_mask given twice"):
        model(x, attention_mask=x["attention_mask"])
    with pytest.raises(ValueError, match=r"got keys \['input_ids', 'mask'\]"):
        model({"input_ids": x["input_ids"], "mask": x["attention_mask"]})
    with pytest.raises(ValueError, match="longer than max_position_embeddings"):
        model(np.zeros((1, 65), np.int64))
    with crossops.use_backend("numpy"):
        training = model(x, training=True)["last_hidden_state"]
    assert not np.allclose(training, a)  # dropout in training only


@pytest.mark.parametrize("module", ["crossops.applications.bert",
                                    "crossops.applications._bert_checkpoint"])
def test_examples_run_as_doctests(module):
    import importlib
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    with crossops.use_backend("numpy"):
        for t in finder.find(mod, module):
            runner.run(t)
    assert runner.tries > 0 and runner.failures == 0, \
        f"{runner.failures} of {runner.tries} example lines failed"



def test_keras_file_round_trip(tmp_path):
    """``model.save`` / ``crossops.saving.load_model`` keep the config and the weights."""
    from crossops import saving
    from crossops.applications.bert import BertConfig, BertModel
    model = BertModel(BertConfig(**HF_CONFIG), name="bert")
    model.save(tmp_path / "bert.keras")
    loaded = saving.load_model(tmp_path / "bert.keras")
    assert type(loaded) is BertModel and loaded.config == model.config
    x = _inputs()
    np.testing.assert_array_equal(loaded(x)["pooler_output"], model(x)["pooler_output"])
