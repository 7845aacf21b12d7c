#include "core/graph/LayerKinds.h"

#include "core/nn/LayerBuilders.h"
#include "core/util/Error.h"

#include <utility>

namespace neurino {

using nlohmann::json;

namespace kinds {

namespace {

const std::vector<std::string> kActivations
    = { "linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softmax" };
const std::vector<std::string> kInitializers
    = { "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros", "libtorch_default" };
const std::vector<std::string> kPaddings = { "valid", "same" };

std::size_t resolveAxis(std::int64_t axis, std::size_t rank, const std::string& field)
{
    const std::int64_t r = static_cast<std::int64_t>(rank);
    const std::int64_t a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
        throw ModelError("'" + field + "' is " + std::to_string(axis) + " but the input has only "
            + std::to_string(rank) + " axes (count from 0 without the batch axis, or -1 for the last)");
    }
    return static_cast<std::size_t>(a);
}

Shape sameShape(const std::vector<Shape>& in, const json&)
{
    return in.at(0);
}

} // namespace

ParamSpec paddingParam(std::string help)
{
    return choiceParam("padding", "valid", kPaddings, std::move(help));
}

ParamSpec paddingPairParam()
{
    return { "padding", ParamType::ChoicePair, "valid", 0, 0, kPaddings,
        "valid: no padding, the output shrinks; same: zeros around the input keep ceil(size / stride). "
        "Give one value or one per axis, e.g. [\"same\", \"valid\"]." };
}

ParamSpec activationParam()
{
    return choiceParam(
        "activation", "linear", kActivations, "Non-linearity applied to the output: linear means none.");
}

ParamSpec initializerParam()
{
    return choiceParam("kernel_initializer", "glorot_uniform", kInitializers,
        "How the weights start: Glorot (Keras's default) or He (suited to ReLU); biases start at "
        "zero. libtorch_default keeps LibTorch's own initialisation.");
}

void requireRank(const std::string& kind, const Shape& in, std::size_t rank, const std::string& expected,
    const std::string& advice)
{
    if (in.size() != rank) {
        throw ModelError(kind + " needs " + expected + " but gets " + formatShape(in) + "; " + advice);
    }
}

ParamCount noParams(const std::vector<Shape>&, const json&)
{
    return {};
}

namespace {

LayerKind inputKind()
{
    LayerKind k;
    k.name = "Input";
    k.category = "Input/Output";
    k.explanation
        = "Where data enters the network. Its shape is that of one sample, without the batch: (28) for "
          "28 numbers per event, (1, 32, 32) for a grey 32x32 image (channels first). A network may have "
          "several inputs, e.g. noise and the energy of a conditional GAN.";
    k.params = { { "shape", ParamType::IntList, nullptr, 1, kMaxSize, {},
        "Shape of one sample, channels first for images, e.g. [1, 32, 32]." } };
    k.minInputs = 0;
    k.maxInputs = 0;
    k.keyParams = { "shape" };
    k.outputShape = [](const std::vector<Shape>&, const json& p) { return Shape(paramIntList(p, "shape")); };
    k.parameterCount = noParams;
    k.build = buildInput;
    return k;
}

LayerKind outputKind()
{
    LayerKind k;
    k.name = "Output";
    k.category = "Input/Output";
    k.explanation
        = "Marks the network's result. It passes its input through unchanged; the loss compares it with "
          "the targets. A network has exactly one Output.";
    k.outputShape = sameShape;
    k.parameterCount = noParams;
    k.build = buildPassThrough;
    return k;
}

LayerKind denseKind()
{
    LayerKind k;
    k.name = "Dense";
    k.category = "Core";
    k.explanation
        = "A fully connected layer: every output is a weighted sum of all inputs plus a bias, followed by "
          "the activation. It has inputs x units weights and units biases. It needs a flat vector: put a "
          "Flatten before it when the input is an image.";
    k.params = { intParam("units", nullptr, 1, kMaxSize, "Number of neurons (outputs)."), activationParam(),
        boolParam("use_bias", true, "Add a learned bias to every output."), initializerParam() };
    k.keyParams = { "units", "activation" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("Dense", in[0], 1, "a flat vector input", "add a Flatten before it");
        return Shape { paramInt(p, "units") };
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const std::int64_t units = paramInt(p, "units");
        return ParamCount { in[0][0] * units + (paramBool(p, "use_bias") ? units : 0), 0 };
    };
    k.build = buildDense;
    return k;
}

LayerKind upSamplingKind()
{
    LayerKind k;
    k.name = "UpSampling2D";
    k.category = "Reshaping";
    k.explanation = "Enlarges an image by repeating every row size[0] times and every column size[1] times "
                    "(nearest neighbour). No weights; generators use it before a convolution.";
    k.params = { pairParam("size", json::array({ 2, 2 }), 1, 64, "Repeat factor (height, width).") };
    k.keyParams = { "size" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank(
            "UpSampling2D", in[0], 3, "an image input (channels, height, width)", "add a Reshape before it");
        const auto s = paramIntPair(p, "size");
        return Shape { in[0][0], in[0][1] * s[0], in[0][2] * s[1] };
    };
    k.parameterCount = noParams;
    k.build = buildUpSampling2D;
    return k;
}

LayerKind zeroPaddingKind()
{
    LayerKind k;
    k.name = "ZeroPadding2D";
    k.category = "Reshaping";
    k.explanation
        = "Adds rows and columns of zeros around an image: padding[0] rows above and below, padding[1] "
          "columns left and right. No weights; used to control the size after a valid convolution.";
    k.params = { pairParam(
        "padding", json::array({ 1, 1 }), 0, 1024, "Zeros added on each side (rows, columns).") };
    k.keyParams = { "padding" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank(
            "ZeroPadding2D", in[0], 3, "an image input (channels, height, width)", "add a Reshape before it");
        const auto pad = paramIntPair(p, "padding");
        return Shape { in[0][0], in[0][1] + 2 * pad[0], in[0][2] + 2 * pad[1] };
    };
    k.parameterCount = noParams;
    k.build = buildZeroPadding2D;
    return k;
}

LayerKind batchNormKind()
{
    LayerKind k;
    k.name = "BatchNorm";
    k.category = "Normalization";
    k.explanation
        = "Normalises each feature along the chosen axis to zero mean and unit variance over the batch, "
          "then scales and shifts it with two learned numbers per feature. It keeps a moving mean and "
          "variance for inference (non-trainable). Axis 0 is the channels of an image or the features of "
          "a vector; Keras normalises the last axis (-1) by default.";
    k.params = { intParam("axis", 0, -8, 7,
                     "Axis whose entries are normalised separately (0 = channels, -1 = last)."),
        floatParam("momentum", 0.99, 0.0, 1.0, "Weight of the old moving average at each update (Keras)."),
        floatParam("epsilon", 1e-3, 1e-12, 1.0, "Added to the variance to avoid division by zero.") };
    k.keyParams = { "axis" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        resolveAxis(paramInt(p, "axis"), in[0].size(), "axis");
        return in[0];
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const std::int64_t f = in[0][resolveAxis(paramInt(p, "axis"), in[0].size(), "axis")];
        return ParamCount { 2 * f, 2 * f };
    };
    k.build = buildBatchNorm;
    return k;
}

LayerKind dropoutKind()
{
    LayerKind k;
    k.name = "Dropout";
    k.category = "Regularization";
    k.explanation
        = "During training, sets a random fraction `rate` of its inputs to zero (and scales the rest up), "
          "so the network cannot rely on any single neuron. It fights overfitting and does nothing at "
          "evaluation.";
    k.params = { floatParam("rate", 0.5, 0.0, 0.99, "Fraction of inputs dropped during training.") };
    k.keyParams = { "rate" };
    k.outputShape = sameShape;
    k.parameterCount = noParams;
    k.build = buildDropout;
    return k;
}

LayerKind flattenKind()
{
    LayerKind k;
    k.name = "Flatten";
    k.category = "Reshaping";
    k.explanation
        = "Lays an image or any multi-axis tensor out as one long vector, so that Dense layers can follow. "
          "A (1, 32, 32) image becomes 1024 numbers. No weights.";
    k.outputShape = [](const std::vector<Shape>& in, const json&) { return Shape { shapeVolume(in[0]) }; };
    k.parameterCount = noParams;
    k.build = buildFlatten;
    return k;
}

LayerKind reshapeKind()
{
    LayerKind k;
    k.name = "Reshape";
    k.category = "Reshaping";
    k.explanation
        = "Gives the same numbers a new shape, e.g. 448 values as (8, 7, 8) channels x height x width. "
          "The number of values must stay the same; one axis may be -1 to be computed.";
    k.params = { { "target_shape", ParamType::IntList, nullptr, -1, kMaxSize, {},
        "New shape of one sample, e.g. [8, 7, 8]; one entry may be -1." } };
    k.keyParams = { "target_shape" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        Shape target = paramIntList(p, "target_shape");
        const std::int64_t volume = shapeVolume(in[0]);
        std::int64_t known = 1;
        int unknown = -1;
        for (std::size_t i = 0; i < target.size(); ++i) {
            if (target[i] == -1) {
                if (unknown >= 0)
                    throw ModelError("'target_shape' may contain -1 only once");
                unknown = static_cast<int>(i);
            } else if (target[i] <= 0) {
                throw ModelError("'target_shape' entries must be positive (or one -1)");
            } else {
                known *= target[i];
            }
        }
        if (unknown >= 0) {
            if (volume % known != 0)
                throw ModelError("cannot reshape " + std::to_string(volume) + " values into "
                    + formatShape(target) + ": " + std::to_string(volume) + " is not divisible by "
                    + std::to_string(known));
            target[unknown] = volume / known;
        } else if (known != volume) {
            throw ModelError("cannot reshape " + formatShape(in[0]) + " (" + std::to_string(volume)
                + " values) into " + formatShape(target) + " (" + std::to_string(known) + " values)");
        }
        return target;
    };
    k.parameterCount = noParams;
    k.build = buildReshape;
    return k;
}

LayerKind activationKind(
    const std::string& name, const std::string& explanation, LayerBuilder build, ParamSchema params = {})
{
    LayerKind k;
    k.name = name;
    k.category = "Activation";
    k.explanation = explanation;
    k.params = std::move(params);
    for (const auto& p : k.params)
        k.keyParams.push_back(p.name);
    k.outputShape = sameShape;
    k.parameterCount = noParams;
    k.build = std::move(build);
    return k;
}

LayerKind softmaxKind()
{
    LayerKind k = activationKind("Softmax",
        "Turns scores into probabilities that are positive and sum to one along an axis: the usual last "
        "layer "
        "of a classifier with several classes, read as P(class | input).",
        buildSoftmax,
        { intParam("axis", -1, -8, 7, "Axis along which the outputs sum to one (-1 = last).") });
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        resolveAxis(paramInt(p, "axis"), in[0].size(), "axis");
        return in[0];
    };
    return k;
}

LayerKind addKind()
{
    LayerKind k;
    k.name = "Add";
    k.category = "Merge";
    k.explanation
        = "Adds its inputs element by element; they must have the same shape. With an earlier layer as "
          "one input this is a skip (residual) connection, which helps deep networks train.";
    k.minInputs = 2;
    k.maxInputs = -1;
    k.outputShape = [](const std::vector<Shape>& in, const json&) {
        for (std::size_t i = 1; i < in.size(); ++i) {
            if (in[i] != in[0])
                throw ModelError("Add needs inputs of the same shape but gets " + formatShape(in[0]) + " and "
                    + formatShape(in[i]) + "; change a layer so both match, or use Concat");
        }
        return in[0];
    };
    k.parameterCount = noParams;
    k.build = buildAdd;
    return k;
}

LayerKind concatKind()
{
    LayerKind k;
    k.name = "Concat";
    k.category = "Merge";
    k.explanation
        = "Joins its inputs side by side along an axis (0 = channels of images, or features of vectors). "
          "All other axes must agree. Used to combine branches or to feed a condition, such as the "
          "energy, next to other inputs.";
    k.params = { intParam("axis", 0, -8, 7, "Axis to join along (0 = channels/features, -1 = last).") };
    k.minInputs = 2;
    k.maxInputs = -1;
    k.keyParams = { "axis" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        const std::size_t axis = resolveAxis(paramInt(p, "axis"), in[0].size(), "axis");
        Shape out = in[0];
        for (std::size_t i = 1; i < in.size(); ++i) {
            bool fits = in[i].size() == in[0].size();
            for (std::size_t d = 0; fits && d < in[0].size(); ++d)
                fits = d == axis || in[i][d] == in[0][d];
            if (!fits)
                throw ModelError("Concat along axis " + std::to_string(axis)
                    + " needs all other axes equal but "
                      "gets "
                    + formatShape(in[0]) + " and " + formatShape(in[i]));
            out[axis] += in[i][axis];
        }
        return out;
    };
    k.parameterCount = noParams;
    k.build = buildConcat;
    return k;
}

} // namespace

} // namespace kinds

std::vector<LayerKind> builtinLayerKinds()
{
    using namespace kinds;
    std::vector<LayerKind> kinds = {
        inputKind(),
        outputKind(),
        denseKind(),
        conv1DKind(),
        conv2DKind(),
        convTranspose2DKind(),
        pool1DKind("MaxPool1D", "maximum", buildMaxPool1D),
        pool2DKind("MaxPool2D", "maximum", buildMaxPool2D),
        pool1DKind("AvgPool1D", "average", buildAvgPool1D),
        pool2DKind("AvgPool2D", "average", buildAvgPool2D),
        upSamplingKind(),
        zeroPaddingKind(),
        batchNormKind(),
        dropoutKind(),
        flattenKind(),
        reshapeKind(),
        activationKind("ReLU",
            "max(0, x): passes positive values and zeroes negative ones. Cheap and the default "
            "choice for hidden layers; its gradient does not vanish for large inputs.",
            buildReLU),
        activationKind("LeakyReLU",
            "Like ReLU, but negative inputs are multiplied by a small slope alpha instead of zeroed, so "
            "no neuron dies. Common in GANs (Keras's default alpha is 0.3).",
            buildLeakyReLU, { floatParam("alpha", 0.3, 0.0, 1.0, "Slope for negative inputs.") }),
        activationKind("ELU",
            "x for positive inputs, alpha (exp(x) - 1) for negative ones: smooth, with outputs "
            "centred nearer zero than ReLU's.",
            buildELU, { floatParam("alpha", 1.0, 0.0, 10.0, "Value approached for very negative inputs.") }),
        activationKind("Tanh",
            "The hyperbolic tangent squashes values into (-1, 1). The classic activation of "
            "shallow networks, used in the Higgs tutorial's shallow model.",
            buildTanh),
        activationKind("Sigmoid",
            "1 / (1 + exp(-x)) squashes values into (0, 1): the last layer of a binary "
            "classifier, read as the probability of signal.",
            buildSigmoid),
        softmaxKind(),
        addKind(),
        concatKind(),
    };
    return kinds;
}

} // namespace neurino
