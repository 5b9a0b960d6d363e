CASES = [
    ("Dense", (300,), {}, [(None, 32, 100)]),
    ("Dense", (10,), {"use_bias": False}, [(None, 128)]),
    ("Dense", (1,), {}, [(None, 9600)]),
    ("Dense", (4,), {}, [(None, None)]),
    ("Dense", (4,), {}, [(None,)]),
    # Found by the differential fuzzer: Keras refuses units <= 0 in the constructor.
    ("Dense", (0,), {}, [(None, 8)]),
    ("Dense", (-2,), {"use_bias": False}, [(None, 3, 8)]),
]

CASES += [
    ("Embedding", (1000, 64), {}, [(None, 10)]),
    ("Embedding", (1000, 64), {"mask_zero": True}, [(None, None)]),
    ("Embedding", (50, 8), {}, [(None,)]),
    ("Embedding", (50, 8), {}, [(None, 4, 6)]),
    ("Embedding", (5000, 300), {"lora_rank": 4}, [(None, 20)]),
    ("Embedding", (0, 8), {}, [(None, 5)]),
    ("Embedding", (10, -1), {}, [(None, 5)]),
    ("Identity", (), {}, [(None, 3, 4)]),
    ("Identity", (), {}, [(None,)]),
    ("Masking", (), {}, [(None, 20, 3)]),
    ("Masking", (-1.0,), {}, [(None, None, 7)]),
]
