"""KerasNLP / KerasHub modelling layers, declared through the third-party interface.

Each is composed of the Keras layers its ``build()`` makes, in the order it makes
them (which is the order of its weights): the transformer blocks size their
attention heads as ``hidden // num_heads`` from the input's last axis.  Checked
against keras-hub 0.32 (keras-nlp 0.32 re-exports the same classes) in
tests/test_third_party_layers.py.
"""

from __future__ import annotations

from layerlint.engine.layers.base import Built, Config, ShapeError, Unanalysable, Weight
from layerlint.engine.layers.third_party import ThirdPartyLayer, register_third_party
from layerlint.engine.symbolic import as_int

_BLOCK_PARAMS = ("intermediate_dim", "num_heads", "dropout", "activation", "layer_norm_epsilon",
                 "kernel_initializer", "bias_initializer", "normalize_first")
_BLOCK_DEFAULTS = {"dropout": 0, "layer_norm_epsilon": 1e-5}


def _apply(cls: str, args: tuple, kwargs: dict, inputs: list) -> Built:
    from layerlint.engine.layer_apply import apply_layer  # deferred: layer_apply imports this package

    return apply_layer(cls, args, kwargs, inputs)


def _head_dim(cfg: Config, shape: tuple) -> object:
    hidden, heads = shape[-1], cfg.dim("num_heads")
    if hidden is None:
        raise Unanalysable("the hidden size (the input's last axis) is not known")
    h, n = as_int(hidden), as_int(heads)
    if h is not None and n is not None and h // n == 0:
        raise ShapeError("invalid", f"Attention `key_dim` computed cannot be zero. The `hidden_dim` value of {h} has "
                                    f"to be equal to or greater than `num_heads` value of {n}.")
    return hidden // heads


def _feedforward(cfg: Config, shape: tuple) -> list[Weight]:
    inner = _apply("Dense", (cfg.dim("intermediate_dim"),), {}, [shape])
    return inner.weights + _apply("Dense", (shape[-1],), {}, [inner.output]).weights


def _attention(cfg: Config, query: tuple, value: tuple) -> list[Weight]:
    kwargs = {"num_heads": cfg.dim("num_heads"), "key_dim": _head_dim(cfg, query)}
    return _apply("MultiHeadAttention", (), kwargs, [query, value]).weights


def _norm(shape: tuple) -> list[Weight]:
    return _apply("LayerNormalization", (), {}, [shape]).weights


def transformer_encoder(cfg: Config, inputs: list) -> Built:
    shape = tuple(inputs[0])
    weights = _attention(cfg, shape, shape) + _norm(shape) + _norm(shape) + _feedforward(cfg, shape)
    return Built(shape, weights)


def transformer_decoder(cfg: Config, inputs: list) -> Built:
    decoder = tuple(inputs[0])
    encoder = inputs[1] if len(inputs) > 1 else (cfg["__call__"] or {}).get("encoder_sequence")
    if encoder is not None and not isinstance(encoder, (tuple, list)):
        raise Unanalysable("the encoder sequence's shape is not known")
    weights = _attention(cfg, decoder, decoder) + _norm(decoder)
    if encoder is not None:
        weights += _attention(cfg, decoder, tuple(encoder)) + _norm(decoder)
    weights += _feedforward(cfg, decoder) + _norm(decoder)
    return Built(decoder, weights)


def token_and_position_embedding(cfg: Config, inputs: list) -> Built:
    shape = tuple(inputs[0])
    vocab, length, dim = cfg.dim("vocabulary_size"), cfg.dim("sequence_length"), cfg.dim("embedding_dim")
    for key, v in (("vocabulary_size", vocab), ("sequence_length", length), ("embedding_dim", dim)):
        if v is None:
            raise ShapeError("invalid", f"`{key}` must be an Integer, received `None`.")
    weights = [Weight("token_embedding/embeddings", (vocab, dim))]
    if cfg["tie_weights"] is False:
        weights.append(Weight("token_embedding/reverse_embeddings", (dim, vocab)))
    elif cfg["tie_weights"] is not True:
        raise Unanalysable("tie_weights cannot be decided")
    weights.append(Weight("position_embedding/embeddings", (length, dim)))
    return Built(shape + (dim,), weights)


def sine_position_encoding(cfg: Config, inputs: list) -> Built:
    return Built(tuple(inputs[0]), [])


for _spec in (
    ThirdPartyLayer("keras_nlp", "TransformerEncoder", _BLOCK_PARAMS, transformer_encoder, dict(_BLOCK_DEFAULTS),
                    also=("keras_hub",)),
    ThirdPartyLayer("keras_nlp", "TransformerDecoder", _BLOCK_PARAMS, transformer_decoder, dict(_BLOCK_DEFAULTS),
                    also=("keras_hub",)),
    ThirdPartyLayer("keras_nlp", "TokenAndPositionEmbedding",
                    ("vocabulary_size", "sequence_length", "embedding_dim", "tie_weights", "embeddings_initializer",
                     "mask_zero"), token_and_position_embedding, {"tie_weights": True}, also=("keras_hub",)),
    ThirdPartyLayer("keras_nlp", "SinePositionEncoding", ("max_wavelength",), sine_position_encoding,
                    also=("keras_hub",)),
):
    register_third_party(_spec)
