CASES = [
    ("Dense", (300,), {}, [(None, 32, 100)]),
    ("Dense", (10,), {"use_bias": False}, [(None, 128)]),
    ("Dense", (1,), {}, [(None, 9600)]),
    ("Dense", (4,), {}, [(None, None)]),
    ("Dense", (4,), {}, [(None,)]),
]
