"""Third-party layer cases: (class, args, kwargs, input batch shapes)."""

KERAS_HUB_CASES = [
    ("TransformerEncoder", (32, 2), {}, [(None, 12, 16)]),
    ("TransformerEncoder", (64,), {"num_heads": 4, "dropout": 0.1}, [(None, 7, 24)]),
    ("TransformerEncoder", (8, 5), {}, [(None, 3, 4)]),
    ("TransformerDecoder", (32, 2), {}, [(None, 12, 16)]),
    ("TransformerDecoder", (32, 2), {}, [(None, 12, 16), (None, 9, 10)]),
    ("TransformerDecoder", (), {"intermediate_dim": 48, "num_heads": 3}, [(None, None, 12), (None, 5, 12)]),
    ("TokenAndPositionEmbedding", (100, 12, 16), {}, [(None, 12)]),
    ("TokenAndPositionEmbedding", (50, 20, 8), {"tie_weights": False}, [(None, 20)]),
    ("SinePositionEncoding", (), {}, [(None, 10, 6)]),
    ("SinePositionEncoding", (500,), {}, [(2, 4, 8)]),
]
