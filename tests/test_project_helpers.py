"""The helpers real projects build models with, followed to the layers they make.

Parameter counts are worked out by hand from Keras' formulas
(Conv2D: k*k*c_in*f + f, without bias k*k*c_in*f; BatchNormalization: 4*c; Dense: n_in*u + u).
"""

from __future__ import annotations

import textwrap

from layerlint.analyze import analyze_text


def models(src: str):
    fa = analyze_text(textwrap.dedent(src).lstrip("\n"), "m.py", follow_imports=False)
    return fa, {sm.model.variable or sm.name: sm for sm in fa.models}  # by the variable each is assigned to


def test_compose_with_reduce_and_lambdas_and_wraps() -> None:
    fa, found = models("""
        from functools import reduce, wraps
        import keras
        from keras.layers import Conv2D, BatchNormalization, LeakyReLU

        def compose(*funcs):
            if funcs:
                return reduce(lambda f, g: lambda *a, **kw: g(f(*a, **kw)), funcs)
            raise ValueError('Composition of empty sequence not supported.')

        @wraps(Conv2D)
        def DarknetConv2D(*args, **kwargs):
            conv_kwargs = {'padding': 'same'}
            conv_kwargs.update(kwargs)
            return Conv2D(*args, **conv_kwargs)

        def DarknetConv2D_BN_Leaky(*args, **kwargs):
            no_bias = {'use_bias': False}
            no_bias.update(kwargs)
            return compose(DarknetConv2D(*args, **no_bias), BatchNormalization(), LeakyReLU(alpha=0.1))

        inp = keras.Input((32, 32, 3))
        model = keras.Model(inp, DarknetConv2D_BN_Leaky(32, (3, 3))(inp))
        """)
    sm = found["model"]
    assert [r.cls for r in sm.layers] == ["InputLayer", "Conv2D", "BatchNormalization", "LeakyReLU"]
    assert sm.total_params == 3 * 3 * 3 * 32 + 4 * 32 and sm.layers[-1].output == (None, 32, 32, 32)


def test_partial_and_plain_builder_classes() -> None:
    _, found = models("""
        import functools
        import keras

        class Builder:
            filters = 8

            @staticmethod
            def conv(n):
                return keras.layers.Conv2D(n, 3)

            @classmethod
            def make(cls):
                return cls()

            @property
            def wide(self):
                return self.filters * 2

            def block(self, x):
                return self.conv(self.filters)(x)

        class Wider(Builder):
            filters = 16

        dense = functools.partial(keras.layers.Dense, activation="relu")
        inp = keras.Input((10, 10, 3))
        x = Builder.make().block(inp)
        x = Wider().block(x)
        x = keras.layers.Conv2D(Builder().wide, 1)(x)
        x = keras.layers.Flatten()(x)
        model = keras.Model(inp, dense(4)(x))
        """)
    sm = found["model"]
    # conv 3->8: 9*3*8+8 = 224; conv 8->16: 9*8*16+16 = 1,168; conv 1x1 16->16: 272; dense 6*6*16 -> 4: 2,308
    assert [r.output for r in sm.layers][1:4] == [(None, 8, 8, 8), (None, 6, 6, 16), (None, 6, 6, 16)]
    assert sm.total_params == 224 + 1168 + 272 + 2308


def test_keras_applications_convention_and_namedtuple_params() -> None:
    _, found = models("""
        import collections
        import keras
        from keras_applications import get_submodules_from_kwargs

        backend = None
        layers = None
        models = None
        keras_utils = None

        Params = collections.namedtuple('Params', ['name', 'filters'])

        def get_bn_params(**params):
            axis = 3 if backend.image_data_format() == 'channels_last' else 1
            default = {'axis': axis, 'epsilon': 2e-5}
            default.update(params)
            return default

        def Net(params, input_shape=None, **kwargs):
            global backend, layers, models, keras_utils
            backend, layers, models, keras_utils = get_submodules_from_kwargs(kwargs)
            inp = layers.Input(shape=input_shape)
            x = layers.Conv2D(params.filters, 3, name=params.name)(inp)
            x = layers.BatchNormalization(**get_bn_params())(x)
            return models.Model(inp, x)

        model = Net(Params('stem', 4), input_shape=(8, 8, 2))
        """)
    sm = found["model"]
    assert sm.layers[1].name == "stem" and sm.total_params == 9 * 2 * 4 + 4 + 4 * 4


def test_backend_guard_is_decided_and_a_raise_reached_is_said() -> None:
    fa, found = models("""
        import keras
        from keras import backend as K

        if K.backend() != 'tensorflow':
            raise RuntimeError('only the TensorFlow backend')

        def build(kind):
            if kind != 'mlp':
                raise ValueError(kind)
            inp = keras.Input((4,))
            return keras.Model(inp, keras.layers.Dense(2)(inp))

        model = build('mlp')
        other = build('cnn')
        """)
    assert found["model"].total_params == 10
    said = [n.message for n in fa.notes]
    assert any("`raise ValueError(kind)` at line 9 is reached: `build()` does not return" in m for m in said)
    assert not any("cannot be decided" in m for m in said)


def test_model_output_shape_and_input_shape() -> None:
    _, found = models("""
        import keras
        inp = keras.Input((6, 4, 3))
        x = keras.layers.Conv2D(5, 3, padding="same")(inp)
        o_shape = keras.Model(inp, x).output_shape
        i_shape = keras.Model(inp, x).input_shape
        x = keras.layers.Reshape((o_shape[1] * o_shape[2], -1))(x)
        x = keras.layers.Dense(i_shape[3])(x)
        model = keras.Model(inp, x)
        """)
    sm = found["model"]
    assert sm.layers[2].output == (None, 24, 5) and sm.layers[3].output == (None, 24, 3)


def test_dict_helpers_getattr_copy_and_del() -> None:
    _, found = models("""
        import copy
        import keras

        class Factory:
            _models = {'a': 3, 'b': 5, 'c': 7}
            _delete = ['c']

            @property
            def models(self):
                all_models = copy.copy(self._models)
                for k in self._delete:
                    del all_models[k]
                return all_models

        def block(units, **kwargs):
            name = kwargs.pop('name', None)
            extra = dict(list(kwargs.items()) + [('use_bias', False)])
            return keras.layers.Dense(units, name=name, **extra)

        f = Factory()
        sizes = f.models
        assert 'c' not in sizes
        inp = keras.Input((2,))
        x = block(getattr(f, 'models')['b'], name='hidden')(inp)
        model = keras.Model(inp, keras.layers.Dense(len(sizes) if isinstance(sizes, dict) else 1)(x))
        """)
    sm = found["model"]
    assert sm.layers[1].name == "hidden" and sm.total_params == 2 * 5 + (5 * 2 + 2)
