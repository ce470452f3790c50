"""BERT (Devlin et al., 2019): the encoder of Hugging Face's ``transformers.BertModel``
built from crossops layers, on every backend, and loading its checkpoints.

:class:`BertConfig` holds the architecture (the fields of a transformers ``config.json``);
:class:`BertModel` is a subclassed ``crossops.models.Model`` whose call returns a dict
``{"last_hidden_state": (batch, seq, hidden), "pooler_output": (batch, hidden)}``, and
:meth:`BertModel.from_pretrained` reads a ``save_pretrained`` directory
(``config.json`` and ``model.safetensors``; never a pickle).

Examples
--------
>>> import numpy as np
>>> from crossops.applications.bert import BertConfig, BertModel
>>> config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1,
...                     num_attention_heads=2, intermediate_size=16)
>>> model = BertModel(config)
>>> out = model(np.array([[2, 7, 9, 0]]), attention_mask=np.array([[1, 1, 1, 0]]))
>>> out["last_hidden_state"].shape, out["pooler_output"].shape
((1, 4, 8), (1, 8))
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

import crossops.numpy as xnp
from crossops import initializers, nn

from ..layers import Dense, Dropout, Embedding, Layer, LayerNormalization, MultiHeadAttention
from ..models import Model
from ..saving import _registry
from . import _bert_checkpoint as ckpt

__all__ = ["BertConfig", "BertModel"]

#: ``hidden_act`` names of transformers and the crossops function each stands for
_ACTIVATIONS: dict[str, Callable] = {
    "gelu": functools.partial(nn.gelu, approximate=False),
    "gelu_python": functools.partial(nn.gelu, approximate=False),
    "gelu_new": functools.partial(nn.gelu, approximate=True),
    "gelu_pytorch_tanh": functools.partial(nn.gelu, approximate=True),
    "gelu_fast": functools.partial(nn.gelu, approximate=True),
    "relu": nn.relu,
    "silu": nn.silu,
    "swish": nn.silu,
    "tanh": xnp.tanh,
}

#: the inputs a call takes, by their transformers names
_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids", "position_ids")


@dataclasses.dataclass(frozen=True)
class BertConfig:
    """The architecture of a BERT encoder, with transformers' field names and defaults
    (those of ``bert-base-uncased``).

    Parameters
    ----------
    vocab_size : int
        Rows of the word embedding table.
    hidden_size : int
        Width of the hidden states; a multiple of ``num_attention_heads``.
    num_hidden_layers : int
        Number of transformer blocks.
    num_attention_heads : int
        Attention heads per block.
    intermediate_size : int
        Width of the feed-forward layer of each block.
    hidden_act : str
        The feed-forward activation: ``"gelu"`` (exact), ``"gelu_new"``,
        ``"gelu_pytorch_tanh"``, ``"gelu_fast"`` (tanh approximation), ``"relu"``,
        ``"silu"``, ``"swish"`` or ``"tanh"``.
    hidden_dropout_prob : float
        Dropout rate after the embeddings and each block's projections (in training).
    attention_probs_dropout_prob : float
        Dropout rate of the attention probabilities (in training).
    max_position_embeddings : int
        Longest sequence the position embeddings cover.
    type_vocab_size : int
        Number of token types (segments).
    layer_norm_eps : float
        The epsilon of every layer normalisation.
    initializer_range : float
        Standard deviation of the (truncated normal) initial kernels and embeddings.
    pad_token_id : int or None
        The padding token (kept for the config's round trip; the model does not use it).

    Examples
    --------
    >>> config = BertConfig.from_dict({"hidden_size": 64, "num_attention_heads": 4,
    ...                                "model_type": "bert", "architectures": ["BertModel"]})
    >>> config.hidden_size, config.num_hidden_layers
    (64, 12)
    >>> BertConfig(hidden_size=30, num_attention_heads=4)
    Traceback (most recent call last):
    ...
    ValueError: BertConfig: hidden_size (30) must be a multiple of num_attention_heads (4)
    """

    vocab_size: int = 30522
    hidden_size: int = 768
    num_hidden_layers: int = 12
    num_attention_heads: int = 12
    intermediate_size: int = 3072
    hidden_act: str = "gelu"
    hidden_dropout_prob: float = 0.1
    attention_probs_dropout_prob: float = 0.1
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12
    initializer_range: float = 0.02
    pad_token_id: int | None = 0

    def __post_init__(self):
        for f in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
                  "intermediate_size", "max_position_embeddings", "type_vocab_size"):
            v = getattr(self, f)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"BertConfig: {f} must be a positive int, got {v!r}")
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(f"BertConfig: hidden_size ({self.hidden_size}) must be a multiple "
                             f"of num_attention_heads ({self.num_attention_heads})")
        if self.hidden_act not in _ACTIVATIONS:
            raise ValueError(f"BertConfig: hidden_act {self.hidden_act!r} is not supported; "
                             f"use one of {sorted(_ACTIVATIONS)}")
        for f in ("hidden_dropout_prob", "attention_probs_dropout_prob"):
            v = getattr(self, f)
            if not 0 <= v < 1:
                raise ValueError(f"BertConfig: {f} must be in [0, 1), got {v!r}")
        if not self.layer_norm_eps > 0:
            raise ValueError(f"BertConfig: layer_norm_eps must be positive, got "
                             f"{self.layer_norm_eps!r}")

    @property
    def head_dim(self) -> int:
        """``hidden_size // num_attention_heads``."""
        return self.hidden_size // self.num_attention_heads

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> BertConfig:
        """The config from a transformers ``config.json``'s fields: the architecture's
        fields are read, the others (``architectures``, ``torch_dtype``,
        ``transformers_version`` ...) ignored; settings this encoder does not implement
        (a decoder, cross-attention, relative positions, another ``model_type``) raise
        ValueError."""
        if not isinstance(config, Mapping):
            raise TypeError(f"BertConfig.from_dict: expected a mapping, got "
                            f"{type(config).__name__}")
        unsupported = []
        model_type = config.get("model_type", "bert")
        if model_type != "bert":
            unsupported.append(f"model_type={model_type!r} (only 'bert')")
        position = config.get("position_embedding_type", "absolute")
        if position not in (None, "absolute"):
            unsupported.append(f"position_embedding_type={position!r} (only 'absolute')")
        for flag in ("is_decoder", "add_cross_attention"):
            if config.get(flag):
                unsupported.append(f"{flag}=True (only the encoder)")
        if unsupported:
            raise ValueError(f"BertConfig.from_dict: not supported: {'; '.join(unsupported)}")
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in config.items() if k in names})

    @classmethod
    def from_json_file(cls, path: str | Path) -> BertConfig:
        """The config from a transformers ``config.json`` (see :meth:`from_dict`)."""
        try:
            data = json.loads(Path(path).read_text())
        except FileNotFoundError:
            raise FileNotFoundError(f"BertConfig.from_json_file: no file {str(path)!r}") \
                from None
        except (OSError, ValueError) as e:
            raise ValueError(f"BertConfig.from_json_file: cannot read {str(path)!r} as JSON: "
                             f"{e}") from None
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """The fields, with ``model_type="bert"`` (what ``config.json`` holds)."""
        return {"model_type": "bert", **dataclasses.asdict(self)}


class _Target(NamedTuple):
    """Where a Hugging Face parameter goes: the variable and its layout
    (``_bert_checkpoint.LAYOUTS``)."""

    variable: Any
    layout: str


class _BertEmbeddings(Layer):
    """Word + position + token type embeddings, layer-normalised, then dropout."""

    def __init__(self, config: BertConfig, **kwargs):
        super().__init__(**kwargs)
        init = initializers.TruncatedNormal(stddev=config.initializer_range)
        dtype = self.dtype_policy
        d = config.hidden_size
        self.word_embeddings = Embedding(config.vocab_size, d, init, dtype=dtype,
                                         name="word_embeddings")
        self.position_embeddings = Embedding(config.max_position_embeddings, d, init,
                                             dtype=dtype, name="position_embeddings")
        self.token_type_embeddings = Embedding(config.type_vocab_size, d, init, dtype=dtype,
                                               name="token_type_embeddings")
        self.layer_norm = LayerNormalization(epsilon=config.layer_norm_eps, dtype=dtype,
                                             name="embeddings_layer_norm")
        self.dropout = Dropout(config.hidden_dropout_prob, dtype=dtype)

    def build(self, input_shape=None):
        for table in (self.word_embeddings, self.position_embeddings,
                      self.token_type_embeddings):
            table.build((None, None))
        hidden = (None, None, self.word_embeddings.output_dim)
        self.layer_norm.build(hidden)
        self.dropout.build(hidden)

    def call(self, input_ids, token_type_ids, position_ids, training=False):
        x = self.word_embeddings(input_ids) + self.token_type_embeddings(token_type_ids)
        x = x + self.position_embeddings(position_ids)
        return self.dropout(self.layer_norm(x), training=training)


class _BertBlock(Layer):
    """One transformer block: self-attention, then the feed-forward layer, each followed
    by dropout, a residual connection and a layer normalisation (post-norm)."""

    def __init__(self, config: BertConfig, **kwargs):
        super().__init__(**kwargs)
        init = initializers.TruncatedNormal(stddev=config.initializer_range)
        dtype, eps = self.dtype_policy, config.layer_norm_eps
        self.attention = MultiHeadAttention(
            config.num_attention_heads, config.head_dim,
            dropout=config.attention_probs_dropout_prob, kernel_initializer=init,
            dtype=dtype, name=f"{self.name}_attention")
        self.attention_dropout = Dropout(config.hidden_dropout_prob, dtype=dtype)
        self.attention_norm = LayerNormalization(epsilon=eps, dtype=dtype,
                                                 name=f"{self.name}_attention_layer_norm")
        self.intermediate = Dense(config.intermediate_size, kernel_initializer=init,
                                  dtype=dtype, name=f"{self.name}_intermediate")
        self.output_dense = Dense(config.hidden_size, kernel_initializer=init, dtype=dtype,
                                  name=f"{self.name}_output")
        self.output_dropout = Dropout(config.hidden_dropout_prob, dtype=dtype)
        self.output_norm = LayerNormalization(epsilon=eps, dtype=dtype,
                                              name=f"{self.name}_output_layer_norm")
        self._act = _ACTIVATIONS[config.hidden_act]

    def build(self, input_shape=None):
        hidden = (None, None, self.output_dense.units)
        self.attention.build(hidden, hidden)
        for layer in (self.attention_dropout, self.attention_norm, self.intermediate,
                      self.output_dropout, self.output_norm):
            layer.build(hidden)
        self.output_dense.build((None, None, self.intermediate.units))

    def call(self, x, attention_mask=None, training=False):
        a = self.attention(x, x, attention_mask=attention_mask, training=training)
        x = self.attention_norm(x + self.attention_dropout(a, training=training))
        h = self.output_dense(self._act(self.intermediate(x)))
        return self.output_norm(x + self.output_dropout(h, training=training))


class BertModel(Model):
    """The BERT encoder of ``transformers.BertModel``, with its arithmetic and parameters.

    Call it with ``input_ids`` (integer (batch, seq)) and optionally ``attention_mask``
    ((batch, seq), 1 or True where a token may be attended to, 0 at padding; default all
    ones), ``token_type_ids`` ((batch, seq) segment ids, default zeros) and
    ``position_ids`` (default ``0 .. seq - 1``), as keyword arguments or as one dict of
    those names (what ``predict`` and ``fit`` pass). The call returns a dict:
    ``"last_hidden_state"`` (batch, seq, hidden_size) and, with the pooling layer,
    ``"pooler_output"`` (batch, hidden_size): tanh of a dense layer over the first token.
    Dropout acts only in training (``training=True``).

    Parameters
    ----------
    config : BertConfig or mapping
        The architecture; a mapping is read with :meth:`BertConfig.from_dict`.
    add_pooling_layer : bool
        Whether to add the pooler (as transformers' argument of that name).
    **kwargs
        ``name``, ``dtype`` (a dtype policy: ``"float32"``, ``"mixed_bfloat16"`` ...) and
        ``trainable``, as every layer's.

    Examples
    --------
    >>> import numpy as np
    >>> config = BertConfig(vocab_size=30, hidden_size=8, num_hidden_layers=2,
    ...                     num_attention_heads=2, intermediate_size=12)
    >>> model = BertModel(config)
    >>> out = model({"input_ids": np.array([[1, 5, 3]]),
    ...              "token_type_ids": np.array([[0, 0, 1]])})
    >>> sorted(out), out["last_hidden_state"].shape
    (['last_hidden_state', 'pooler_output'], (1, 3, 8))
    >>> model.count_params()
    5504
    """

    def __init__(self, config: BertConfig | Mapping[str, Any], add_pooling_layer: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(config, BertConfig):
            config = BertConfig.from_dict(config)
        self.config = config
        self.add_pooling_layer = bool(add_pooling_layer)
        dtype = self.dtype_policy
        self.embeddings = _BertEmbeddings(config, dtype=dtype, name="embeddings")
        self.encoder_layers = [_BertBlock(config, dtype=dtype, name=f"encoder_layer_{i}")
                               for i in range(config.num_hidden_layers)]
        self.pooler = Dense(config.hidden_size, activation="tanh",
                            kernel_initializer=initializers.TruncatedNormal(
                                stddev=config.initializer_range),
                            dtype=dtype, name="pooler") if self.add_pooling_layer else None
        self.build()  # the weights do not depend on the inputs' shape: made at once

    def build(self, input_shape: Any = None) -> None:
        """Create every weight, on the backend the model was made on (the constructor
        calls it: ``input_shape`` is not needed, the weights do not depend on it)."""
        self.embeddings.build()
        for block in self.encoder_layers:
            block.build()
        if self.pooler is not None:
            self.pooler.build((None, self.config.hidden_size))

    def call(self, inputs: Any, attention_mask: Any = None, token_type_ids: Any = None,
             position_ids: Any = None, training: bool = False) -> dict[str, Any]:
        given = {"attention_mask": attention_mask, "token_type_ids": token_type_ids,
                 "position_ids": position_ids}
        if isinstance(inputs, Mapping):
            unknown = sorted(set(inputs) - set(_INPUT_NAMES))
            if unknown or "input_ids" not in inputs:
                raise ValueError(f"{self.name}: an input dict holds 'input_ids' and optionally "
                                 f"{list(_INPUT_NAMES[1:])}; got keys {sorted(inputs)}")
            for key, value in inputs.items():
                if key != "input_ids" and value is not None:
                    if given[key] is not None:
                        raise ValueError(f"{self.name}: {key} given twice (in the input dict "
                                         "and as an argument)")
                    given[key] = value
            inputs = inputs["input_ids"]
        ids = inputs if hasattr(inputs, "shape") else np.asarray(inputs)
        if len(ids.shape) != 2:
            raise ValueError(f"{self.name}: input_ids must be (batch, seq), got shape "
                             f"{tuple(ids.shape)}")
        seq = ids.shape[1]
        if seq > self.config.max_position_embeddings:
            raise ValueError(f"{self.name}: sequences of length {seq} are longer than "
                             f"max_position_embeddings ({self.config.max_position_embeddings})")
        types = given["token_type_ids"]
        if types is None:
            types = xnp.zeros_like(ids)
        positions = given["position_ids"]
        if positions is None:
            # 0 .. seq - 1 in every row, made from the ids (so on their backend, also
            # under a compiler)
            positions = xnp.cumsum(xnp.ones_like(ids), axis=1) - 1
        x = self.embeddings(ids, types, positions, training=training)
        mask = given["attention_mask"]
        if mask is not None:
            # (batch, 1, seq): every query may attend to the unmasked keys
            mask = xnp.expand_dims(xnp.astype(mask, "bool"), axis=1)
        for block in self.encoder_layers:
            x = block(x, attention_mask=mask, training=training)
        out = {"last_hidden_state": x}
        if self.pooler is not None:
            out["pooler_output"] = self.pooler(x[:, 0])
        return out

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "config": self.config.to_dict(),
                "add_pooling_layer": self.add_pooling_layer}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BertModel:
        config = dict(config)
        return cls(BertConfig.from_dict(config.pop("config")), **config)

    # -- Hugging Face checkpoints ----------------------------------------------------------
    def _hf_targets(self) -> dict[str, _Target]:
        """Every parameter name of transformers' BertModel and where it goes."""
        out: dict[str, _Target] = {}

        def norm(prefix, layer):
            out[f"{prefix}.weight"] = _Target(layer.gamma, "copy")
            out[f"{prefix}.bias"] = _Target(layer.beta, "copy")

        def dense(prefix, layer):
            out[f"{prefix}.weight"] = _Target(layer.kernel, "linear")
            out[f"{prefix}.bias"] = _Target(layer.bias, "copy")

        e = self.embeddings
        for name in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
            out[f"embeddings.{name}.weight"] = _Target(getattr(e, name).embeddings, "copy")
        norm("embeddings.LayerNorm", e.layer_norm)
        for i, block in enumerate(self.encoder_layers):
            p, a = f"encoder.layer.{i}", block.attention
            for name in ("query", "key", "value"):
                out[f"{p}.attention.self.{name}.weight"] = _Target(
                    getattr(a, f"{name}_kernel"), "heads_in")
                out[f"{p}.attention.self.{name}.bias"] = _Target(
                    getattr(a, f"{name}_bias"), "heads_in_bias")
            out[f"{p}.attention.output.dense.weight"] = _Target(a.output_kernel, "heads_out")
            out[f"{p}.attention.output.dense.bias"] = _Target(a.output_bias, "copy")
            norm(f"{p}.attention.output.LayerNorm", block.attention_norm)
            dense(f"{p}.intermediate.dense", block.intermediate)
            dense(f"{p}.output.dense", block.output_dense)
            norm(f"{p}.output.LayerNorm", block.output_norm)
        if self.pooler is not None:
            dense("pooler.dense", self.pooler)
        return out

    def load_pretrained_weights(self, path: str | Path) -> None:
        """Load the weights of a Hugging Face BERT checkpoint (safetensors) into this
        model.

        ``path`` is a ``save_pretrained`` directory (``model.safetensors``, or shards
        with ``model.safetensors.index.json``) or a ``.safetensors`` file. The parameter
        names are transformers' (``embeddings.word_embeddings.weight``,
        ``encoder.layer.0.attention.self.query.weight`` ...), with or without the
        ``bert.`` prefix of the models with heads, whose head parameters (outside
        ``bert.``) are skipped. Floating parameters of any precision are cast to the
        weights' dtype.

        Raises
        ------
        FileNotFoundError
            No safetensors file (the message says how to convert a ``.bin`` checkpoint).
        ValueError
            An unreadable file, or parameters missing, unexpected or of another shape
            (all listed); nothing is assigned then: the model is unchanged.
        """
        where = f"{self.name}.load_pretrained_weights({str(path)!r})"
        tensors = ckpt.read_tensors(ckpt.checkpoint_files(path, where), where)
        self._assign_hf(tensors, where)

    def _assign_hf(self, tensors: Mapping[str, np.ndarray], where: str) -> None:
        """Check every parameter of ``tensors`` against the model, then assign them all."""
        state, _heads = ckpt.base_model_tensors(tensors)
        targets = self._hf_targets()
        missing = sorted(k for k in targets if k not in state)
        unexpected = sorted(k for k in state if k not in targets)
        mismatched, values = [], {}
        for key in sorted(set(state) & set(targets)):
            variable, layout = targets[key]
            a = state[key]
            expected = ckpt.hf_shape(layout, tuple(variable.shape))
            if tuple(a.shape) != expected:
                mismatched.append(f"{key}: the file's {tuple(a.shape)}, the model's {expected}")
            elif not np.issubdtype(a.dtype, np.floating) and a.dtype.name != "bfloat16":
                mismatched.append(f"{key}: the file's dtype {a.dtype.name}, not floating")
            else:
                values[id(variable)] = ckpt.to_crossops(layout, a, tuple(variable.shape))
        if missing or unexpected or mismatched:
            parts = [f"{label} ({len(keys)}): {_listing(keys)}" for label, keys in
                     (("missing", missing), ("unexpected", unexpected),
                      ("shape or dtype mismatches", mismatched)) if keys]
            hint = ""
            if missing and all(k.startswith("pooler.") for k in missing):
                hint = " (a checkpoint without a pooler: use add_pooling_layer=False)"
            raise ValueError(f"{where}: the checkpoint does not fit this model "
                             f"({_describe(self.config)}): {'; '.join(parts)}{hint}. "
                             "Nothing was loaded.")
        weights = self.weights
        uncovered = [w.path for w in weights if id(w) not in values]
        if uncovered:  # every weight has a Hugging Face name: a bug if not
            raise RuntimeError(f"{where}: no Hugging Face parameter for {uncovered}")
        self.set_weights([values[id(w)] for w in weights])  # all checked: assigns them all

    @classmethod
    def from_pretrained(cls, directory: str | Path, add_pooling_layer: bool | None = None,
                        **kwargs) -> BertModel:
        """A model with the config and weights of a Hugging Face ``save_pretrained``
        directory (``config.json`` and ``model.safetensors``), on the default backend
        (``crossops.use_backend(...)`` around the call chooses another).

        Parameters
        ----------
        directory : str or Path
            The directory; no download is made.
        add_pooling_layer : bool, optional
            Default: whether the checkpoint holds the pooler (checkpoints of
            BertForMaskedLM do not).
        **kwargs
            ``name``, ``dtype``, ``trainable`` for the model.

        Raises
        ------
        FileNotFoundError, ValueError
            As :meth:`load_pretrained_weights`; and a missing or unsupported
            ``config.json``.
        """
        directory = Path(directory)
        where = f"BertModel.from_pretrained({str(directory)!r})"
        if not (directory / "config.json").is_file():
            raise FileNotFoundError(f"{where}: no config.json in {str(directory)!r} (a "
                                    "directory written by transformers' save_pretrained)")
        config = BertConfig.from_json_file(directory / "config.json")
        tensors = ckpt.read_tensors(ckpt.checkpoint_files(directory, where), where)
        if add_pooling_layer is None:
            state, _ = ckpt.base_model_tensors(tensors)
            add_pooling_layer = "pooler.dense.weight" in state
        model = cls(config, add_pooling_layer=add_pooling_layer, **kwargs)
        model._assign_hf(tensors, where)
        return model


def _listing(keys: list[str], limit: int = 12) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f", ... ({len(keys) - limit} more)" if len(keys) > limit else "")


def _describe(config: BertConfig) -> str:
    return (f"hidden_size={config.hidden_size}, num_hidden_layers="
            f"{config.num_hidden_layers}, num_attention_heads={config.num_attention_heads}, "
            f"intermediate_size={config.intermediate_size}, vocab_size={config.vocab_size}")


# a ``.keras`` file of a BertModel names this module and class: load_model finds it here
# (once this module is imported)
_registry.register_builtin(__name__, BertModel)
