#!/usr/bin/python3
"""Writes Keras 2 HDF5 files for TestKerasImport, laid out as Keras 2's legacy HDF5 saving lays them out, with
reference outputs computed here in numpy.

    make_keras_fixtures.py OUT_DIR

For each fixture NAME it writes:
  NAME.h5          a model file as model.save('NAME.h5') writes it: root attributes keras_version, backend,
                   model_config (JSON, bytes) and training_config; group model_weights with attributes
                   layer_names, backend, keras_version; one group per layer (sorted by name) with attribute
                   weight_names and one dataset per weight at the path of its name ("dense_1/kernel:0")
  NAME.ref.h5      input0, input1, ... and output for 7 samples in Neurino's layout (channels first for
                   images of a channels_last model), attributes keras_params and channels_last
  NAME.weights.h5  for some: the weights only, as model.save_weights('NAME.weights.h5') writes them
and bad_*.h5 files, each malformed in one way (TestKerasImport checks each message).

Keras itself is not needed: the layouts follow keras/saving/hdf5_format.py (Keras 2.2 to 2.x), and the
layers' arithmetic follows Keras's documented semantics (TensorFlow's padding rules).
"""
import copy
import json
import os
import sys

import h5py
import numpy as np

SAMPLES = 7
rng = np.random.default_rng(20261203)


# ---------------------------------------------------------------------------------------------------------
# Models: a list of layers, each {name, class_name, config, inbound, weights}, as Keras's get_config holds them.

PREFIX = {"InputLayer": "input", "Dense": "dense", "Conv1D": "conv1d", "Conv2D": "conv2d",
          "Conv2DTranspose": "conv2d_transpose", "BatchNormalization": "batch_normalization",
          "MaxPooling1D": "max_pooling1d", "MaxPooling2D": "max_pooling2d",
          "AveragePooling1D": "average_pooling1d", "AveragePooling2D": "average_pooling2d",
          "UpSampling2D": "up_sampling2d", "ZeroPadding2D": "zero_padding2d", "LeakyReLU": "leaky_re_lu",
          "ELU": "elu", "ReLU": "re_lu", "Softmax": "softmax", "Add": "add", "Concatenate": "concatenate",
          "Flatten": "flatten", "Reshape": "reshape", "Dropout": "dropout", "Activation": "activation"}


class Model:
    def __init__(self, name, keras_version="2.2.4", data_format="channels_last"):
        self.name = name
        self.keras_version = keras_version
        self.data_format = data_format
        self.layers = []
        self.counts = {}
        self.shapes = {}  # layer name -> output shape without the batch
        self.inputs = []
        self.outputs = []

    def unique(self, cls):
        prefix = PREFIX.get(cls, cls.lower())
        self.counts[prefix] = self.counts.get(prefix, 0) + 1
        return "%s_%d" % (prefix, self.counts[prefix])

    def input(self, shape):
        name = self.unique("InputLayer")
        config = {"batch_input_shape": [None] + list(shape), "dtype": "float32", "sparse": False, "name": name}
        self.layers.append({"name": name, "class_name": "InputLayer", "config": config, "inbound": [],
                            "weights": []})
        self.shapes[name] = tuple(shape)
        self.inputs.append(name)
        return name

    def add(self, cls, inputs, weights=None, **config):
        name = config.pop("name", None) or self.unique(cls)
        config = dict(config, name=name, trainable=True)
        if cls in ("Conv1D", "Conv2D", "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
                   "AveragePooling2D", "UpSampling2D", "ZeroPadding2D", "Flatten"):
            config.setdefault("data_format", self.data_format)
        inputs = inputs if isinstance(inputs, list) else [inputs]
        layer = {"name": name, "class_name": cls, "config": config, "inbound": inputs, "weights": []}
        in_shapes = [self.shapes[i] for i in inputs]
        make_weights(layer, in_shapes)
        if weights is not None:
            layer["weights"] = weights
        self.layers.append(layer)
        probe = [np.zeros((1,) + s) for s in in_shapes]
        self.shapes[name] = apply(layer, probe).shape[1:]
        return name

    def keras_params(self):
        return sum(int(np.prod(w.shape)) for l in self.layers for _, w in l["weights"])


def glorot(shape, fan_in):
    return (rng.standard_normal(shape) / np.sqrt(max(fan_in, 1))).astype(np.float32)


def make_weights(layer, in_shapes):
    c = layer["config"]
    cls = layer["class_name"]
    n = layer["name"]
    w = []
    channels_first = c.get("data_format") == "channels_first"
    if cls == "Dense":
        fan_in = in_shapes[0][-1]
        w = [("kernel", glorot((fan_in, c["units"]), fan_in))]
        if c.get("use_bias", True):
            w.append(("bias", glorot((c["units"],), 4)))
    elif cls in ("Conv1D", "Conv2D", "Conv2DTranspose"):
        chans = in_shapes[0][0] if channels_first else in_shapes[0][-1]
        k = tuple(c["kernel_size"])
        if cls == "Conv2DTranspose":
            shape = k + (c["filters"], chans)
        else:
            shape = k + (chans, c["filters"])
        w = [("kernel", glorot(shape, int(np.prod(k)) * chans))]
        if c.get("use_bias", True):
            w.append(("bias", glorot((c["filters"],), 4)))
    elif cls == "BatchNormalization":
        axis = c["axis"] if isinstance(c["axis"], int) else c["axis"][0]
        size = (1,) + tuple(in_shapes[0])
        f = size[axis]
        w = [("gamma", (1 + 0.3 * rng.standard_normal(f)).astype(np.float32)),
             ("beta", (0.3 * rng.standard_normal(f)).astype(np.float32)),
             ("moving_mean", (0.5 * rng.standard_normal(f)).astype(np.float32)),
             ("moving_variance", rng.uniform(0.5, 2.0, f).astype(np.float32))]
    layer["weights"] = [("%s/%s:0" % (n, role), value) for role, value in w]


# ---------------------------------------------------------------------------------------------------------
# The layers' arithmetic, in float64, on Keras's layout (batch first).

def activate(x, name):
    if name in (None, "linear"):
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "tanh":
        return np.tanh(x)
    if name == "elu":
        return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))
    if name == "softmax":
        return softmax(x, -1)
    raise ValueError(name)


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def same_pads(size, kernel, stride):
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def to_last(x, c):
    return np.moveaxis(x, 1, -1) if c.get("data_format") == "channels_first" else x


def from_last(x, c):
    return np.moveaxis(x, -1, 1) if c.get("data_format") == "channels_first" else x


def windows(x, kernel, strides, padding, fill):
    """x: (N, *spatial, C) -> patches (N, *out, *kernel, C)."""
    pads = [(0, 0)]
    for i, k in enumerate(kernel):
        pads.append(same_pads(x.shape[1 + i], k, strides[i]) if padding == "same" else (0, 0))
    pads.append((0, 0))
    x = np.pad(x, pads, constant_values=fill)
    out = [(x.shape[1 + i] - k) // strides[i] + 1 for i, k in enumerate(kernel)]
    if len(kernel) == 1:
        p = np.stack([x[:, o * strides[0]:o * strides[0] + kernel[0]] for o in range(out[0])], axis=1)
        return p
    rows = []
    for a in range(out[0]):
        cols = [x[:, a * strides[0]:a * strides[0] + kernel[0], b * strides[1]:b * strides[1] + kernel[1]]
                for b in range(out[1])]
        rows.append(np.stack(cols, axis=1))
    return np.stack(rows, axis=1)


def conv(x, kernel, bias, strides, padding):
    p = windows(x, kernel.shape[:-2], strides, padding, 0.0)
    letters = "abc"[:kernel.ndim - 2]
    y = np.einsum("n...%sc,%sco->n...o" % (letters, letters), p, kernel.astype(np.float64))
    return y + bias if bias is not None else y


def conv_transpose(x, kernel, bias, strides, padding):
    """Keras's Conv2DTranspose: kernel (kh, kw, out, in); x (N, H, W, in)."""
    kh, kw, fo, _ = kernel.shape
    n, h, w, _ = x.shape
    full = np.zeros((n, (h - 1) * strides[0] + kh, (w - 1) * strides[1] + kw, fo))
    for i in range(h):
        for j in range(w):
            full[:, i * strides[0]:i * strides[0] + kh, j * strides[1]:j * strides[1] + kw] += np.einsum(
                "nc,aboc->nabo", x[:, i, j], kernel.astype(np.float64))
    sizes, befores = [], []
    for size, k, s in ((h, kh, strides[0]), (w, kw, strides[1])):
        length = size * s + max(k - s, 0) if padding == "valid" else size * s
        befores.append(max((size - 1) * s + k - length, 0) // 2 if padding == "same" else 0)
        sizes.append(length)
    out = np.zeros((n, sizes[0], sizes[1], fo))
    crop = full[:, befores[0]:befores[0] + sizes[0], befores[1]:befores[1] + sizes[1]]
    out[:, :crop.shape[1], :crop.shape[2]] = crop
    return out + bias if bias is not None else out


def pool(x, c, rank, is_max):
    size = list(c["pool_size"])
    strides = list(c["strides"] or size)
    if is_max:
        return windows(x, size, strides, c["padding"], -np.inf).max(axis=tuple(range(1 + rank, 1 + 2 * rank)))
    p = windows(x, size, strides, c["padding"], 0.0)
    ones = windows(np.ones(x.shape[:-1] + (1,)), size, strides, c["padding"], 0.0)
    axes = tuple(range(1 + rank, 1 + 2 * rank))
    return p.sum(axis=axes) / ones.sum(axis=axes)


def apply(layer, xs):
    c = layer["config"]
    cls = layer["class_name"]
    w = [v.astype(np.float64) for _, v in layer["weights"]]
    x = xs[0]
    if cls == "Dense":
        return activate(x @ w[0] + (w[1] if len(w) > 1 else 0), c.get("activation"))
    if cls in ("Conv1D", "Conv2D"):
        y = conv(to_last(x, c), w[0], w[1] if len(w) > 1 else None, c["strides"], c["padding"])
        return activate(from_last(y, c), c.get("activation"))
    if cls == "Conv2DTranspose":
        y = conv_transpose(to_last(x, c), w[0], w[1] if len(w) > 1 else None, c["strides"], c["padding"])
        return activate(from_last(y, c), c.get("activation"))
    if cls in ("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"):
        return from_last(pool(to_last(x, c), c, int(cls[-2]), cls.startswith("Max")), c)
    if cls == "UpSampling2D":
        y = to_last(x, c).repeat(c["size"][0], axis=1).repeat(c["size"][1], axis=2)
        return from_last(y, c)
    if cls == "ZeroPadding2D":
        (t, b), (l, r) = c["padding"]
        return from_last(np.pad(to_last(x, c), [(0, 0), (t, b), (l, r), (0, 0)]), c)
    if cls == "BatchNormalization":
        axis = c["axis"] if isinstance(c["axis"], int) else c["axis"][0]
        shape = [1] * x.ndim
        shape[axis] = x.shape[axis]
        g, b, m, v = (a.reshape(shape) for a in w)
        return (x - m) / np.sqrt(v + c["epsilon"]) * g + b
    if cls == "Dropout":
        return x
    if cls == "Activation":
        return activate(x, c["activation"])
    if cls == "LeakyReLU":
        return np.where(x > 0, x, c["alpha"] * x)
    if cls == "ELU":
        return np.where(x > 0, x, c["alpha"] * np.expm1(np.minimum(x, 0)))
    if cls == "ReLU":
        return np.where(x > 0, x, c.get("negative_slope", 0.0) * x)
    if cls == "Softmax":
        return softmax(x, c.get("axis", -1))
    if cls == "Flatten":
        if c.get("data_format") == "channels_first" and x.ndim > 2:
            x = np.moveaxis(x, 1, -1)
        return x.reshape(x.shape[0], -1)
    if cls == "Reshape":
        return x.reshape((x.shape[0],) + tuple(c["target_shape"]))
    if cls == "Add":
        return sum(xs)
    if cls == "Concatenate":
        return np.concatenate(xs, axis=c.get("axis", -1))
    raise ValueError(cls)


def run(model, inputs):
    values = dict(zip(model.inputs, inputs))
    for layer in model.layers:
        if layer["class_name"] != "InputLayer":
            values[layer["name"]] = apply(layer, [values[i] for i in layer["inbound"]])
    return values[model.outputs[0] if model.outputs else model.layers[-1]["name"]]


# ---------------------------------------------------------------------------------------------------------
# Writing, as Keras's hdf5_format.py does.

CHUNKS = 1  # > 1: split attributes as Keras does past HDF5's 64 KiB object header limit


def save_attributes(group, name, data):
    if CHUNKS > 1 and len(data) >= CHUNKS:
        for i, chunk in enumerate(np.array_split(np.asarray(data), CHUNKS)):
            group.attrs["%s%d" % (name, i)] = chunk
    else:
        group.attrs[name] = data


def layer_entry(layer):
    return {"class_name": layer["class_name"], "config": layer["config"]}


def model_config(model, style):
    """style: 'sequential22' (Keras 2.2: the input's shape in the first layer), 'sequential_tf' (tf.keras:
    an InputLayer listed first), 'model' (Keras 2.2 Functional, class Model), 'functional' (tf.keras 2.4+)."""
    if style.startswith("sequential"):
        layers = []
        # Keras 2.0 and 2.1: the Sequential's config is the list of layers itself.
        for layer in model.layers:
            entry = copy.deepcopy(layer_entry(layer))
            if layer["class_name"] == "InputLayer":
                if style == "sequential_tf":
                    layers.append(entry)
                    continue
                first_shape = entry["config"]["batch_input_shape"]
                continue
            if style in ("sequential22", "sequential20") and not layers:
                entry["config"]["batch_input_shape"] = first_shape
                entry["config"]["dtype"] = "float32"
            layers.append(entry)
        if style == "sequential20":
            return {"class_name": "Sequential", "config": layers}
        return {"class_name": "Sequential", "config": {"name": model.name, "layers": layers}}
    layers = []
    for layer in model.layers:
        entry = dict(layer_entry(layer), name=layer["name"])
        entry["inbound_nodes"] = [[[i, 0, 0, {}] for i in layer["inbound"]]] if layer["inbound"] else []
        layers.append(entry)
    outputs = model.outputs or [model.layers[-1]["name"]]
    return {"class_name": "Model" if style == "model" else "Functional",
            "config": {"name": model.name, "layers": layers,
                       "input_layers": [[i, 0, 0] for i in model.inputs],
                       "output_layers": [[o, 0, 0] for o in outputs]}}


def saved_layers(model, style):
    """model.layers: a Sequential's hides the InputLayer."""
    if style.startswith("sequential"):
        return [l for l in model.layers if l["class_name"] != "InputLayer"]
    return model.layers


def save_weights_group(group, layers, keras_version):
    save_attributes(group, "layer_names", np.array([l["name"].encode("utf8") for l in layers]))
    group.attrs["backend"] = "tensorflow".encode("utf8")
    group.attrs["keras_version"] = keras_version.encode("utf8")
    for layer in sorted(layers, key=lambda l: l["name"]):
        g = group.create_group(layer["name"])
        names = [n.encode("utf8") for n, _ in layer["weights"]]
        save_attributes(g, "weight_names", np.array(names) if names else [])
        for name, value in layer["weights"]:
            d = g.create_dataset(name, value.shape, dtype=value.dtype)
            if not value.shape:
                d[()] = value
            else:
                d[:] = value


def save_model(model, path, style, config=None):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = model.keras_version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config or model_config(model, style)).encode("utf8")
        f.attrs["training_config"] = json.dumps({"loss": "categorical_crossentropy"}).encode("utf8")
        save_weights_group(f.create_group("model_weights"), saved_layers(model, style), model.keras_version)


def save_weights(model, path, style):
    with h5py.File(path, "w") as f:
        save_weights_group(f, saved_layers(model, style), model.keras_version)


def neurino_layout(x, channels_last):
    return np.moveaxis(x, -1, 1) if channels_last and x.ndim >= 3 else x


def write_fixture(out, model, style, weights_only=False):
    inputs = [rng.standard_normal((SAMPLES,) + model.shapes[i]) for i in model.inputs]
    inputs = [x.astype(np.float32) for x in inputs]
    y = run(model, [x.astype(np.float64) for x in inputs]).astype(np.float32)
    channels_last = model.data_format == "channels_last"
    save_model(model, os.path.join(out, model.name + ".h5"), style)
    if weights_only:
        save_weights(model, os.path.join(out, model.name + ".weights.h5"), style)
    with h5py.File(os.path.join(out, model.name + ".ref.h5"), "w") as f:
        for i, x in enumerate(inputs):
            f["input%d" % i] = neurino_layout(x, channels_last)
        f["output"] = neurino_layout(y, channels_last)
        f.attrs["keras_params"] = model.keras_params()
        f.attrs["channels_last"] = int(channels_last)


# ---------------------------------------------------------------------------------------------------------
# The fixtures.

def seq_mlp():
    m = Model("seq_mlp")
    x = m.input((10,))
    x = m.add("Dense", x, units=12, activation="relu", use_bias=True)
    x = m.add("Dropout", x, rate=0.2)
    x = m.add("Dense", x, units=10, activation="tanh", use_bias=True)
    x = m.add("BatchNormalization", x, axis=-1, momentum=0.9, epsilon=0.001, center=True, scale=True)
    x = m.add("LeakyReLU", x, alpha=0.2)
    x = m.add("Dense", x, units=8, activation="elu", use_bias=False)
    x = m.add("ELU", x, alpha=0.7)
    x = m.add("Dense", x, units=6, activation="sigmoid", use_bias=True)
    x = m.add("ReLU", x)
    x = m.add("Dense", x, units=4, activation="linear", use_bias=True)
    m.add("Activation", x, activation="softmax")
    return m


def seq_mlp_tf():
    m = Model("seq_mlp_tf", keras_version="2.11.0")
    x = m.input((7,))
    x = m.add("Dense", x, units=16, activation="relu", use_bias=True)
    x = m.add("ReLU", x, negative_slope=0.1, max_value=None, threshold=0.0)
    x = m.add("Dense", x, units=5, activation="linear", use_bias=True)
    m.add("Softmax", x, axis=-1)
    return m


def seq_cnn2d_cl():
    m = Model("seq_cnn2d_cl")
    x = m.input((10, 10, 3))
    x = m.add("Conv2D", x, filters=4, kernel_size=[3, 3], strides=[1, 1], padding="valid", activation="relu",
              use_bias=True, dilation_rate=[1, 1])
    x = m.add("BatchNormalization", x, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True)
    x = m.add("MaxPooling2D", x, pool_size=[2, 2], strides=[2, 2], padding="valid")
    x = m.add("Conv2D", x, filters=6, kernel_size=[3, 3], strides=[2, 2], padding="same", activation="linear",
              use_bias=True, dilation_rate=[1, 1])
    x = m.add("AveragePooling2D", x, pool_size=[2, 2], strides=[1, 1], padding="same")
    x = m.add("Flatten", x)
    m.add("Dense", x, units=5, activation="softmax", use_bias=True)
    return m


def func_cnn2d_cf():
    m = Model("func_cnn2d_cf", data_format="channels_first")
    x = m.input((2, 9, 8))
    x = m.add("Conv2D", x, filters=3, kernel_size=[3, 3], strides=[2, 2], padding="same", activation="relu",
              use_bias=True, dilation_rate=[1, 1])
    x = m.add("BatchNormalization", x, axis=1, momentum=0.9, epsilon=0.01, center=True, scale=True)
    # Taken literally: the last axis of a channels_first image is its width.
    x = m.add("BatchNormalization", x, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True)
    x = m.add("ZeroPadding2D", x, padding=[[1, 1], [2, 2]])
    x = m.add("MaxPooling2D", x, pool_size=[2, 2], strides=[1, 2], padding="valid")
    x = m.add("Conv2DTranspose", x, filters=2, kernel_size=[3, 3], strides=[2, 2], padding="valid",
              activation="linear", use_bias=True, output_padding=None, dilation_rate=[1, 1])
    x = m.add("UpSampling2D", x, size=[1, 2], interpolation="nearest")
    x = m.add("AveragePooling2D", x, pool_size=[2, 2], strides=[2, 2], padding="valid")
    x = m.add("Flatten", x)
    m.add("Dense", x, units=3, activation="linear", use_bias=True)
    return m


def seq_conv1d_cl():
    m = Model("seq_conv1d_cl", keras_version="2.4.0")
    x = m.input((20, 3))
    x = m.add("Conv1D", x, filters=4, kernel_size=[3], strides=[1], padding="valid", activation="relu",
              use_bias=True, dilation_rate=[1], groups=1)
    x = m.add("MaxPooling1D", x, pool_size=[2], strides=[2], padding="valid")
    x = m.add("Conv1D", x, filters=5, kernel_size=[3], strides=[2], padding="same", activation="linear",
              use_bias=True, dilation_rate=[1], groups=1)
    x = m.add("AveragePooling1D", x, pool_size=[2], strides=[2], padding="same")
    x = m.add("Flatten", x)
    m.add("Dense", x, units=2, activation="sigmoid", use_bias=True)
    return m


def func_conv1d_cf():
    m = Model("func_conv1d_cf", data_format="channels_first")
    x = m.input((3, 12))
    x = m.add("Conv1D", x, filters=4, kernel_size=[3], strides=[1], padding="same", activation="tanh",
              use_bias=True, dilation_rate=[1])
    x = m.add("MaxPooling1D", x, pool_size=[2], strides=None, padding="valid")
    x = m.add("AveragePooling1D", x, pool_size=[3], strides=[1], padding="valid")
    x = m.add("Flatten", x)
    m.add("Dense", x, units=3, activation="linear", use_bias=True)
    return m


def func_branches_cl():
    m = Model("func_branches_cl", keras_version="2.4.0")
    i = m.input((8, 8, 2))
    a = m.add("Conv2D", i, filters=4, kernel_size=[3, 3], strides=[1, 1], padding="same", activation="relu",
              use_bias=True, dilation_rate=[1, 1])
    b = m.add("Conv2D", i, filters=4, kernel_size=[1, 1], strides=[1, 1], padding="valid", activation="linear",
              use_bias=False, dilation_rate=[1, 1])
    s = m.add("Add", [a, b])
    c = m.add("Concatenate", [s, i], axis=-1)
    x = m.add("Conv2DTranspose", c, filters=3, kernel_size=[2, 2], strides=[2, 2], padding="same",
              activation="elu", use_bias=True, output_padding=None, dilation_rate=[1, 1])
    x = m.add("ZeroPadding2D", x, padding=[[1, 1], [1, 1]])
    x = m.add("MaxPooling2D", x, pool_size=[3, 3], strides=[2, 2], padding="valid")
    x = m.add("Flatten", x)
    x = m.add("Dense", x, units=4, activation="linear", use_bias=True)
    m.add("Softmax", x, axis=-1)
    return m


def func_generator_cl():
    m = Model("func_generator_cl", keras_version="2.4.0")
    z = m.input((6,))
    x = m.add("Dense", z, units=4 * 4 * 3, activation="linear", use_bias=True)
    x = m.add("BatchNormalization", x, axis=-1, momentum=0.8, epsilon=0.001, center=True, scale=True)
    x = m.add("LeakyReLU", x, alpha=0.2)
    x = m.add("Reshape", x, target_shape=[4, 4, 3])
    x = m.add("UpSampling2D", x, size=[2, 2], interpolation="nearest")
    x = m.add("Conv2DTranspose", x, filters=3, kernel_size=[3, 3], strides=[1, 1], padding="same",
              activation="relu", use_bias=True, output_padding=None, dilation_rate=[1, 1])
    x = m.add("Conv2D", x, filters=2, kernel_size=[3, 3], strides=[1, 1], padding="same", activation="tanh",
              use_bias=True, dilation_rate=[1, 1])
    m.add("BatchNormalization", x, axis=[3], momentum=0.99, epsilon=0.001, center=True, scale=True)
    return m


def seq_k20_chunked():
    m = Model("seq_k20_chunked", keras_version="2.1.6")
    x = m.input((6,))
    x = m.add("Dense", x, units=5, activation="tanh", use_bias=True)
    x = m.add("Dropout", x, rate=0.5)
    m.add("Dense", x, units=1, activation="sigmoid", use_bias=True)
    return m


def func_two_inputs():
    m = Model("func_two_inputs")
    a = m.input((5,))
    b = m.input((3,))
    x = m.add("Dense", a, units=4, activation="relu", use_bias=True)
    x = m.add("Concatenate", [x, b], axis=-1)
    m.add("Dense", x, units=2, activation="linear", use_bias=True)
    return m


FIXTURES = [(seq_mlp, "sequential22", True), (seq_mlp_tf, "sequential_tf", False),
            (seq_cnn2d_cl, "sequential22", True), (func_cnn2d_cf, "model", True),
            (seq_conv1d_cl, "sequential_tf", False), (func_conv1d_cf, "model", False),
            (func_branches_cl, "functional", False), (func_generator_cl, "functional", True),
            (func_two_inputs, "model", False), (seq_k20_chunked, "sequential20", True)]


# ---------------------------------------------------------------------------------------------------------
# Malformed files: each one thing wrong.

def tiny():
    m = Model("tiny")
    x = m.input((4,))
    x = m.add("Dense", x, units=3, activation="relu", use_bias=True)
    m.add("Dense", x, units=2, activation="linear", use_bias=True)
    return m


def tiny_conv(**conv):
    m = Model("tiny_conv")
    x = m.input((6, 6, 2))
    args = dict(filters=2, kernel_size=[3, 3], strides=[1, 1], padding="valid", activation="linear",
                use_bias=True, dilation_rate=[1, 1])
    args.update(conv)
    m.add(conv.pop("cls", "Conv2D"), x, **{k: v for k, v in args.items() if k != "cls"})
    return m


def with_layer(cls, shape, **config):
    m = Model("with_" + cls.lower())
    x = m.input(shape)
    m.add(cls, x, weights=[], **config)
    return m


def write_bad(out):
    def path(name):
        return os.path.join(out, "bad_%s.h5" % name)

    def edit(name, model, style, change):
        save_model(model, path(name), style)
        with h5py.File(path(name), "a") as f:
            change(f)

    m = tiny()
    edit("json", m, "model", lambda f: f.attrs.modify("model_config", b'{"class_name": "Model", "config": {'))
    edit("no_model_config", m, "model", lambda f: f.attrs.__delitem__("model_config"))
    save_weights(m, path("weights_only"), "model")
    edit("no_model_weights", m, "model", lambda f: f.__delitem__("model_weights"))
    edit("missing_weight", m, "model", lambda f: f["model_weights/dense_1/dense_1"].__delitem__("bias:0"))

    def wrong_shape(f):
        g = f["model_weights/dense_2/dense_2"]
        del g["kernel:0"]
        g["kernel:0"] = np.zeros((2, 3), np.float32)
    edit("weight_shape", m, "model", wrong_shape)

    def wrong_names(f):
        f["model_weights"].attrs["layer_names"] = np.array([b"input_1", b"dense_1", b"dense_9"])
    edit("layer_names", m, "model", wrong_names)

    def one_weight(f):
        g = f["model_weights/dense_1"]
        g.attrs["weight_names"] = np.array([b"dense_1/kernel:0"])
    edit("weight_count", m, "model", one_weight)

    # A file cut short, as an interrupted copy leaves it.
    save_model(seq_cnn2d_cl(), path("truncated"), "sequential22")
    with open(path("truncated"), "r+b") as f:
        f.truncate(os.path.getsize(path("truncated")) // 2)

    def config_edit(name, model, style, change):
        config = model_config(model, style)
        change(config)
        save_model(model, path(name), style, config)

    def layer_of(config, name):
        return next(l for l in config["config"]["layers"] if l.get("name", l["config"]["name"]) == name)

    config_edit("unknown_class", m, "model", lambda c: layer_of(c, "dense_1").update(class_name="LSTM"))
    config_edit("model_class", m, "model", lambda c: c.update(class_name="MyModel"))
    config_edit("activation", m, "model",
                lambda c: layer_of(c, "dense_1")["config"].update(activation="selu"))

    def shared(c):
        layer_of(c, "dense_1")["inbound_nodes"].append([["input_1", 0, 0, {}]])
    config_edit("shared_layer", m, "model", shared)
    config_edit("two_outputs", m, "model",
                lambda c: c["config"]["output_layers"].append(["dense_1", 0, 0]))
    config_edit("free_size", m, "model",
                lambda c: layer_of(c, "input_1")["config"].update(batch_input_shape=[None, None]))

    def no_input_shape(c):
        del c["config"]["layers"][0]["config"]["batch_input_shape"]
    config_edit("sequential_shape", m, "sequential22", no_input_shape)

    save_model(tiny_conv(dilation_rate=[2, 2]), path("dilation"), "model")
    save_model(tiny_conv(groups=2), path("groups"), "model")
    save_model(tiny_conv(cls="Conv2DTranspose", output_padding=[1, 1]), path("output_padding"), "model")
    c1 = Model("causal")
    x = c1.input((8, 2))
    c1.add("Conv1D", x, filters=2, kernel_size=[3], strides=[1], padding="valid", activation="linear",
           use_bias=True, dilation_rate=[1])
    config_edit("causal", c1, "model", lambda c: layer_of(c, "conv1d_1")["config"].update(padding="causal"))
    save_model(with_layer("ZeroPadding2D", (4, 4, 1), padding=[[1, 0], [1, 1]]), path("asymmetric_padding"),
               "model")
    up = with_layer("UpSampling2D", (4, 4, 1), size=[2, 2], interpolation="nearest")
    config_edit("bilinear", up, "model",
                lambda c: layer_of(c, "up_sampling2d_1")["config"].update(interpolation="bilinear"))
    d3 = Model("dense3d")
    x = d3.input((4, 3))
    d3.add("Dense", x, units=2, activation="linear", use_bias=True)
    save_model(d3, path("dense_on_image"), "model")
    bn = Model("bn_center")
    x = bn.input((4,))
    bn.add("BatchNormalization", x, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True)
    config_edit("bn_center", bn, "model",
                lambda c: layer_of(c, "batch_normalization_1")["config"].update(center=False))
    mixed = Model("mixed")
    x = mixed.input((6, 6, 2))
    x = mixed.add("Conv2D", x, filters=2, kernel_size=[3, 3], strides=[1, 1], padding="valid",
                  activation="linear", use_bias=True)
    mixed.add("MaxPooling2D", x, pool_size=[2, 2], strides=None, padding="valid")
    config_edit("mixed_formats", mixed, "model",
                lambda c: layer_of(c, "max_pooling2d_1")["config"].update(data_format="channels_first"))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    global CHUNKS
    for make, style, weights_only in FIXTURES:
        CHUNKS = 2 if make is seq_k20_chunked else 1
        write_fixture(out, make(), style, weights_only)
    CHUNKS = 1
    write_bad(out)


if __name__ == "__main__":
    main()
