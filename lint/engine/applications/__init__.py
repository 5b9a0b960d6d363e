"""``keras.applications`` backbones from a table generated with real Keras."""
