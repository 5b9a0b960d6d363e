"""Symbolic checks for core extras, activations, regularization, normalization, merging, preprocessing."""

from __future__ import annotations

import pytest
from layerlint.engine.layer_apply import apply_layer
from layerlint.engine.layers.base import ShapeError
from layerlint.engine.symbolic import Expr, prod, shape_str

L = Expr.symbol("L")
M = Expr.symbol("M")
C = Expr.symbol("C")


def out(cls, args, kwargs, inputs):
    return shape_str(apply_layer(cls, args, kwargs, inputs).output)


def weights(cls, args, kwargs, inputs):
    return [(w.name, shape_str(w.shape), w.trainable) for w in apply_layer(cls, args, kwargs, inputs).weights]


def params(cls, args, kwargs, inputs):
    built = apply_layer(cls, args, kwargs, inputs)
    trainable = sum(prod(w.shape) for w in built.weights if w.trainable)
    frozen = sum(prod(w.shape) for w in built.weights if not w.trainable)
    return trainable, frozen


def error_kind(cls, args, kwargs, inputs):
    with pytest.raises(ShapeError) as info:
        apply_layer(cls, args, kwargs, inputs)
    return info.value.kind


def test_embedding_symbolic():
    vocab = Expr.symbol("vocab_size")
    assert out("Embedding", (vocab, 64), {}, [(None, L)]) == "(None, L, 64)"
    assert weights("Embedding", (vocab, 64), {}, [(None, L)]) == [("embeddings", "(vocab_size, 64)", True)]
    assert str(params("Embedding", (vocab, 8), {}, [(None, 5)])[0]) == "8*vocab_size"


def test_prelu_shared_axes():
    assert weights("PReLU", (), {"shared_axes": [1]}, [(None, L, 8)]) == [("alpha", "(1, 8)", True)]
    assert weights("PReLU", (), {}, [(None, L, 8)]) == [("alpha", "(L, 8)", True)]


def test_batchnorm_counts():
    assert params("BatchNormalization", (), {}, [(None, 32, 300)]) == (600, 600)
    trainable, frozen = params("BatchNormalization", (), {}, [(None, L, C)])
    assert (str(trainable), str(frozen)) == ("2*C", "2*C")


def test_group_normalization():
    assert weights("GroupNormalization", (4,), {}, [(None, L, C)]) == [("gamma", "(C,)", True), ("beta", "(C,)", True)]
    assert error_kind("GroupNormalization", (3,), {}, [(None, 10, 8)]) == "groups"
    assert error_kind("GroupNormalization", (), {}, [(None, 10, 16)]) == "groups"


def test_layer_normalization_list_axis():
    assert weights("LayerNormalization", (), {"axis": [-1, 1]}, [(None, L, 8)]) == [
        ("gamma", "(8, L)", True),
        ("beta", "(8, L)", True),
    ]


def test_concatenate_symbolic():
    assert out("Concatenate", (), {}, [(None, L, 4), (None, L, 6)]) == "(None, L, 10)"
    assert out("Concatenate", (1,), {}, [(None, L, 4), (None, M, 4)]) == "(None, L + M, 4)"
    assert out("Concatenate", (1,), {}, [(None, L, 4), (None, 3, 4)]) == "(None, L + 3, 4)"
    # L and M may well be equal at run time: no error.
    assert out("Concatenate", (), {}, [(None, L, 4), (None, M, 4)]) == "(None, L, 8)"
    assert error_kind("Concatenate", (), {}, [(None, L, 4), (None, L - 1, 4)]) == "merge"
    assert error_kind("Concatenate", (), {}, [(None, 9, 4), (None, 4)]) == "merge"


def test_elementwise_merge_symbolic():
    assert out("Add", (), {}, [(None, L, 8), (None, L, 8)]) == "(None, L, 8)"
    assert out("Multiply", (), {}, [(None, L, 8), (None, 1, 8)]) == "(None, L, 8)"
    assert error_kind("Add", (), {}, [(None, L, 8), (None, L + 1, 8)]) == "merge"
    assert error_kind("Subtract", (), {}, [(None, 8), (None, 8), (None, 8)]) == "merge"


def test_dot_symbolic():
    assert out("Dot", ((2, 2),), {}, [(None, L, C), (None, M, C)]) == "(None, L, M)"
    assert error_kind("Dot", (1,), {}, [(None, L), (None, L + 2)]) == "merge"


def test_image_preprocessing_symbolic():
    h, w = Expr.symbol("img_h"), Expr.symbol("img_w")
    assert out("Resizing", (h, w), {}, [(None, 256, 256, 3)]) == "(None, img_h, img_w, 3)"
    assert out("RandomCrop", (h // 2, 32), {}, [(None, 64, 64, 3)]) == "(None, img_h // 2, 32, 3)"
    assert out("RandomFlip", ("horizontal",), {}, [(None, L, L, 3)]) == "(None, L, L, 3)"
    assert error_kind("CenterCrop", (8, 8), {}, [(None, 32)]) == "rank"


def test_normalization_weights():
    assert params("Normalization", (), {}, [(None, 32, 32, 3)]) == (0, 7)
    assert weights("Normalization", ((1, 2),), {}, [(None, L, C, 6)]) == [
        ("mean", "(L, C)", False),
        ("variance", "(L, C)", False),
        ("count", "()", False),
    ]
    assert weights("Normalization", (), {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 1.0, 1.0]}, [(None, 3)]) == []


def test_lookup_vocabulary_size():
    assert out("StringLookup", (), {"output_mode": "multi_hot"}, [(None, 4)]) == "(None, vocabulary_size)"
    assert out("StringLookup", (), {"vocabulary": ["a", "b"], "output_mode": "one_hot"}, [(None, L)]) == "(None, L, 3)"
    assert out("IntegerLookup", (), {}, [(None, L)]) == "(None, L)"
    maxlen = Expr.symbol("maxlen")
    assert out("TextVectorization", (), {"output_sequence_length": maxlen}, [(None,)]) == "(None, maxlen)"
    assert out("TextVectorization", (), {"output_mode": "multi_hot"}, [(None,)]) == "(None, vocabulary_size)"


def test_encoding_layers_symbolic():
    n = Expr.symbol("n_tokens")
    assert out("CategoryEncoding", (n, "one_hot"), {}, [(None, 1)]) == "(None, n_tokens)"
    assert out("Hashing", (n,), {"output_mode": "multi_hot"}, [(None, 3)]) == "(None, n_tokens)"
    assert out("Discretization", (), {"num_bins": n, "output_mode": "count"}, [(None, 4)]) == "(None, n_tokens)"


def test_constructor_checks():
    assert error_kind("Dropout", (1.5,), {}, [(None, 4)]) == "invalid"
    assert error_kind("SpatialDropout2D", (0.2,), {}, [(None, L, 4)]) == "rank"
    assert out("SpatialDropout1D", (0.2,), {}, [(None, L, 4)]) == "(None, L, 4)"


# Lambda (checked against Keras 3.15: Lambda.compute_output_shape puts the first input's batch dim
# in front of a declared tuple; a declared list of ints raises TypeError when the layer is called).
def test_lambda_declared_shapes():
    fn = object()  # the function is never looked at
    assert out("Lambda", [fn], {"output_shape": (7,)}, [(None, 5)]) == "(None, 7)"
    assert out("Lambda", [fn, (3, L)], {}, [(4, 6, 2)]) == "(4, 3, L)"
    assert apply_layer("Lambda", [fn], {"output_shape": [(3,), (4,)]}, [(None, 5), (None, 6)]).output == [(None, 3), (None, 4)]
    assert params("Lambda", [fn], {"output_shape": (7,)}, [(None, 5)]) == (0, 0)


def test_lambda_list_of_ints_is_keras_type_error():
    assert error_kind("Lambda", [lambda t: t], {"output_shape": [3, 8]}, [(None, 4, 6)]) == "invalid"
    with pytest.raises(ShapeError, match="must be a tuple"):
        apply_layer("Lambda", [None], {"output_shape": [3, 8]}, [(None, 4, 6)])


# Literal vocabularies whose encoded depth is Keras' vocabulary_size(): leading OOV/mask tokens are
# dropped by set_vocabulary, so a plain count of the list is one too many for the first three.
LOOKUP_DEPTHS = [
    ("StringLookup", {"vocabulary": ["[UNK]", "a", "b"], "output_mode": "one_hot"}, "string", (None, 1)),
    ("StringLookup", {"vocabulary": ["[UNK]", "a", "b", "c"], "output_mode": "count"}, "string", (None, 2)),
    ("IntegerLookup", {"vocabulary": [-1, 4, 5, 6], "output_mode": "count"}, "int64", (None, 2)),
    ("StringLookup", {"vocabulary": ["a", "b", "c"], "output_mode": "multi_hot", "num_oov_indices": 2},
     "string", (None, 3)),
    ("IntegerLookup", {"vocabulary": [7, 8], "output_mode": "one_hot"}, "int64", (None, 1)),
]


@pytest.mark.parametrize(("cls", "kwargs", "dtype", "shape"), LOOKUP_DEPTHS,
                         ids=[f"{c}-{i}" for i, (c, *_) in enumerate(LOOKUP_DEPTHS)])
def test_lookup_encoded_depth_is_keras_vocabulary_size(keras, cls, kwargs, dtype, shape) -> None:
    layer = getattr(keras.layers, cls)(**kwargs)
    expected = layer(keras.Input(batch_shape=shape, dtype=dtype)).shape
    assert out(cls, (), kwargs, [shape]) == shape_str(tuple(expected))
