#include "core/graph/LayerRegistry.h"

#include "core/graph/ConvGeometry.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace neurino {

using nlohmann::json;

namespace {

// Upper bound for sizes (units, filters, kernel sizes): large enough for any real model, small enough
// that a typo such as 1e12 is caught before it allocates.
constexpr double kMaxSize = 1 << 20;
constexpr double kMaxRank = 8;

const std::vector<std::string> kActivations = {"linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid",
                                               "softmax"};
const std::vector<std::string> kInitializers = {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                                                "zeros", "libtorch_default"};
const std::vector<std::string> kPaddings = {"valid", "same"};

ParamDesc intParam(std::string name, json def, double lo, double hi, std::string help)
{
    return {std::move(name), ParamType::Int, std::move(def), lo, hi, {}, std::move(help)};
}

ParamDesc floatParam(std::string name, json def, double lo, double hi, std::string help)
{
    return {std::move(name), ParamType::Float, std::move(def), lo, hi, {}, std::move(help)};
}

ParamDesc boolParam(std::string name, bool def, std::string help)
{
    return {std::move(name), ParamType::Bool, def, 0, 1, {}, std::move(help)};
}

ParamDesc choiceParam(std::string name, std::string def, std::vector<std::string> choices, std::string help)
{
    return {std::move(name), ParamType::Choice, std::move(def), 0, 0, std::move(choices), std::move(help)};
}

ParamDesc pairParam(std::string name, json def, double lo, double hi, std::string help)
{
    return {std::move(name), ParamType::IntPair, std::move(def), lo, hi, {}, std::move(help)};
}

ParamDesc paddingPairParam()
{
    return {"padding", ParamType::ChoicePair, "valid", 0, 0, kPaddings,
            "valid: no padding, the output shrinks; same: zeros around the input keep ceil(size / stride). "
            "Give one value or one per axis, e.g. [\"same\", \"valid\"]."};
}

ParamDesc activationParam()
{
    return choiceParam("activation", "linear", kActivations,
                       "Non-linearity applied to the output: linear means none.");
}

ParamDesc initializerParam()
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

std::size_t resolveAxis(std::int64_t axis, std::size_t rank, const std::string& field)
{
    const std::int64_t r = static_cast<std::int64_t>(rank);
    const std::int64_t a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
        throw ModelError("'" + field + "' is " + std::to_string(axis) + " but the input has only " +
                         std::to_string(rank) + " axes (count from 0 without the batch axis, or -1 for the last)");
    }
    return static_cast<std::size_t>(a);
}

Shape sameShape(const std::vector<Shape>& in, const json&)
{
    return in.at(0);
}

ParamCount noParams(const std::vector<Shape>&, const json&)
{
    return {};
}

bool isSame(const std::string& padding)
{
    return padding == "same";
}

// Spatial output of a window (conv or pool) over the trailing axes of `in`.
Shape windowShape(const std::string& kind, const Shape& in, std::int64_t channels,
                  const std::vector<std::int64_t>& kernel, const std::vector<std::int64_t>& stride,
                  const std::vector<std::string>& padding)
{
    Shape out{channels};
    static const char* kAxisNames[] = {"height", "width"};
    for (std::size_t i = 0; i < kernel.size(); ++i) {
        const std::int64_t size = in[1 + i];
        const AxisGeometry g = windowAxis(size, kernel[i], stride[i], isSame(padding[i]));
        if (g.out <= 0) {
            const std::string axis = kernel.size() == 1 ? "length" : kAxisNames[i];
            throw ModelError(kind + " window of " + std::to_string(kernel[i]) + " along the " + axis +
                             " is larger than the input's " + std::to_string(size) +
                             "; use a smaller kernel or padding \"same\"");
        }
        out.push_back(g.out);
    }
    return out;
}

std::vector<std::int64_t> pairVector(const json& params, const std::string& name)
{
    const auto p = paramIntPair(params, name);
    return {p[0], p[1]};
}

std::vector<std::string> choicePairVector(const json& params, const std::string& name)
{
    const auto p = paramChoicePair(params, name);
    return {p[0], p[1]};
}

std::vector<std::int64_t> poolStrides(const json& params)
{
    auto pool = pairVector(params, "pool_size");
    auto strides = pairVector(params, "strides");
    for (std::size_t i = 0; i < 2; ++i) {
        if (strides[i] == 0)
            strides[i] = pool[i];
    }
    return strides;
}

LayerKind inputKind()
{
    LayerKind k;
    k.name = "Input";
    k.category = "Input/Output";
    k.explanation = "Where data enters the network. Its shape is that of one sample, without the batch: (28) for "
                    "28 numbers per event, (1, 32, 32) for a grey 32x32 image (channels first). A network may have "
                    "several inputs, e.g. noise and the energy of a conditional GAN.";
    k.params = {{"shape", ParamType::IntList, nullptr, 1, kMaxSize, {},
                 "Shape of one sample, channels first for images, e.g. [1, 32, 32]."}};
    k.minInputs = 0;
    k.maxInputs = 0;
    k.keyParams = {"shape"};
    k.outputShape = [](const std::vector<Shape>&, const json& p) { return Shape(paramIntList(p, "shape")); };
    k.parameterCount = noParams;
    return k;
}

LayerKind outputKind()
{
    LayerKind k;
    k.name = "Output";
    k.category = "Input/Output";
    k.explanation = "Marks the network's result. It passes its input through unchanged; the loss compares it with "
                    "the targets. A network has exactly one Output.";
    k.outputShape = sameShape;
    k.parameterCount = noParams;
    return k;
}

LayerKind denseKind()
{
    LayerKind k;
    k.name = "Dense";
    k.category = "Core";
    k.explanation = "A fully connected layer: every output is a weighted sum of all inputs plus a bias, followed by "
                    "the activation. It has inputs x units weights and units biases. It needs a flat vector: put a "
                    "Flatten before it when the input is an image.";
    k.params = {intParam("units", nullptr, 1, kMaxSize, "Number of neurons (outputs)."), activationParam(),
                boolParam("use_bias", true, "Add a learned bias to every output."), initializerParam()};
    k.keyParams = {"units", "activation"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("Dense", in[0], 1, "a flat vector input", "add a Flatten before it");
        return Shape{paramInt(p, "units")};
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const std::int64_t units = paramInt(p, "units");
        return ParamCount{in[0][0] * units + (paramBool(p, "use_bias") ? units : 0), 0};
    };
    return k;
}

LayerKind conv1DKind()
{
    LayerKind k;
    k.name = "Conv1D";
    k.category = "Convolution";
    k.explanation = "Slides filters of kernel_size samples along a sequence (channels, length), e.g. along a "
                    "spectrum. Each filter learns one pattern, such as a peak shape, and reports where it appears. "
                    "Weights: channels x kernel_size x filters, plus one bias per filter.";
    k.params = {intParam("filters", nullptr, 1, kMaxSize, "Number of filters (output channels)."),
                intParam("kernel_size", 3, 1, kMaxSize, "Window length."),
                intParam("strides", 1, 1, kMaxSize, "Step between windows."),
                choiceParam("padding", "valid", kPaddings, "valid: no padding; same: keep ceil(length / stride)."),
                activationParam(),
                boolParam("use_bias", true, "Add a learned bias to every filter."),
                initializerParam()};
    k.keyParams = {"filters", "kernel_size", "activation"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("Conv1D", in[0], 2, "a sequence input (channels, length)", "add a Reshape before it");
        return windowShape("Conv1D", in[0], paramInt(p, "filters"), {paramInt(p, "kernel_size")},
                           {paramInt(p, "strides")}, {paramString(p, "padding")});
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const std::int64_t f = paramInt(p, "filters");
        return ParamCount{in[0][0] * paramInt(p, "kernel_size") * f + (paramBool(p, "use_bias") ? f : 0), 0};
    };
    return k;
}

LayerKind conv2DKind()
{
    LayerKind k;
    k.name = "Conv2D";
    k.category = "Convolution";
    k.explanation = "Slides small learned kernels over an image (channels, height, width). Each filter detects one "
                    "local pattern (an edge, a corner, a shower core) wherever it is, so a conv layer needs far "
                    "fewer weights than a dense one: channels x kernel height x kernel width x filters, plus biases. "
                    "Kernels may be rectangular, e.g. [6, 8].";
    k.params = {intParam("filters", nullptr, 1, kMaxSize, "Number of filters (output channels)."),
                pairParam("kernel_size", json::array({3, 3}), 1, kMaxSize, "Kernel (height, width)."),
                pairParam("strides", json::array({1, 1}), 1, kMaxSize, "Step (height, width) between windows."),
                paddingPairParam(),
                activationParam(),
                boolParam("use_bias", true, "Add a learned bias to every filter."),
                initializerParam()};
    k.keyParams = {"filters", "kernel_size", "strides", "padding", "activation"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("Conv2D", in[0], 3, "an image input (channels, height, width)",
                    "add a Reshape before it, e.g. to [1, 32, 32]");
        return windowShape("Conv2D", in[0], paramInt(p, "filters"), pairVector(p, "kernel_size"),
                           pairVector(p, "strides"), choicePairVector(p, "padding"));
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const auto ks = paramIntPair(p, "kernel_size");
        const std::int64_t f = paramInt(p, "filters");
        return ParamCount{in[0][0] * ks[0] * ks[1] * f + (paramBool(p, "use_bias") ? f : 0), 0};
    };
    return k;
}

LayerKind convTranspose2DKind()
{
    LayerKind k;
    k.name = "ConvTranspose2D";
    k.category = "Convolution";
    k.explanation = "The transpose of a convolution: each input cell spreads a learned kernel over the output, so "
                    "images grow (by the stride with padding \"same\"). Generators use it to turn a small latent map "
                    "into a full image.";
    k.params = {intParam("filters", nullptr, 1, kMaxSize, "Number of filters (output channels)."),
                pairParam("kernel_size", json::array({3, 3}), 1, kMaxSize, "Kernel (height, width)."),
                pairParam("strides", json::array({1, 1}), 1, kMaxSize, "Upsampling step (height, width)."),
                choiceParam("padding", "valid", kPaddings,
                            "valid: output (in - 1) x stride + kernel; same: output in x stride."),
                activationParam(),
                boolParam("use_bias", true, "Add a learned bias to every filter."),
                initializerParam()};
    k.keyParams = {"filters", "kernel_size", "strides", "activation"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("ConvTranspose2D", in[0], 3, "an image input (channels, height, width)",
                    "add a Reshape before it");
        const auto ks = paramIntPair(p, "kernel_size");
        const auto st = paramIntPair(p, "strides");
        const bool same = isSame(paramString(p, "padding"));
        return Shape{paramInt(p, "filters"), transposedAxis(in[0][1], ks[0], st[0], same).out,
                     transposedAxis(in[0][2], ks[1], st[1], same).out};
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const auto ks = paramIntPair(p, "kernel_size");
        const std::int64_t f = paramInt(p, "filters");
        return ParamCount{in[0][0] * ks[0] * ks[1] * f + (paramBool(p, "use_bias") ? f : 0), 0};
    };
    return k;
}

LayerKind pool1DKind(const std::string& name, const std::string& what)
{
    LayerKind k;
    k.name = name;
    k.category = "Pooling";
    k.explanation = "Shrinks a sequence by taking the " + what + " of each window of pool_size samples. It has no "
                    "weights; it makes the next layers cheaper and less sensitive to small shifts.";
    k.params = {intParam("pool_size", 2, 1, kMaxSize, "Window length."),
                intParam("strides", 0, 0, kMaxSize, "Step between windows; 0 means the pool size."),
                choiceParam("padding", "valid", kPaddings, "valid: drop the incomplete window; same: keep it.")};
    k.keyParams = {"pool_size"};
    k.outputShape = [name](const std::vector<Shape>& in, const json& p) {
        requireRank(name, in[0], 2, "a sequence input (channels, length)", "add a Reshape before it");
        const std::int64_t pool = paramInt(p, "pool_size");
        const std::int64_t stride = paramInt(p, "strides") == 0 ? pool : paramInt(p, "strides");
        return windowShape(name, in[0], in[0][0], {pool}, {stride}, {paramString(p, "padding")});
    };
    k.parameterCount = noParams;
    return k;
}

LayerKind pool2DKind(const std::string& name, const std::string& what)
{
    LayerKind k;
    k.name = name;
    k.category = "Pooling";
    k.explanation = "Shrinks an image by taking the " + what + " of each pool_size window, channel by channel. It "
                    "has no weights; it halves the resolution with the default (2, 2) and makes the network "
                    "tolerant of small shifts.";
    k.params = {pairParam("pool_size", json::array({2, 2}), 1, kMaxSize, "Window (height, width)."),
                pairParam("strides", json::array({0, 0}), 0, kMaxSize,
                          "Step (height, width) between windows; 0 means the pool size."),
                paddingPairParam()};
    k.keyParams = {"pool_size"};
    k.outputShape = [name](const std::vector<Shape>& in, const json& p) {
        requireRank(name, in[0], 3, "an image input (channels, height, width)", "add a Reshape before it");
        return windowShape(name, in[0], in[0][0], pairVector(p, "pool_size"), poolStrides(p),
                           choicePairVector(p, "padding"));
    };
    k.parameterCount = noParams;
    return k;
}

LayerKind upSamplingKind()
{
    LayerKind k;
    k.name = "UpSampling2D";
    k.category = "Reshaping";
    k.explanation = "Enlarges an image by repeating every row size[0] times and every column size[1] times "
                    "(nearest neighbour). No weights; generators use it before a convolution.";
    k.params = {pairParam("size", json::array({2, 2}), 1, 64, "Repeat factor (height, width).")};
    k.keyParams = {"size"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("UpSampling2D", in[0], 3, "an image input (channels, height, width)", "add a Reshape before it");
        const auto s = paramIntPair(p, "size");
        return Shape{in[0][0], in[0][1] * s[0], in[0][2] * s[1]};
    };
    k.parameterCount = noParams;
    return k;
}

LayerKind zeroPaddingKind()
{
    LayerKind k;
    k.name = "ZeroPadding2D";
    k.category = "Reshaping";
    k.explanation = "Adds rows and columns of zeros around an image: padding[0] rows above and below, padding[1] "
                    "columns left and right. No weights; used to control the size after a valid convolution.";
    k.params = {pairParam("padding", json::array({1, 1}), 0, 1024, "Zeros added on each side (rows, columns).")};
    k.keyParams = {"padding"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("ZeroPadding2D", in[0], 3, "an image input (channels, height, width)",
                    "add a Reshape before it");
        const auto pad = paramIntPair(p, "padding");
        return Shape{in[0][0], in[0][1] + 2 * pad[0], in[0][2] + 2 * pad[1]};
    };
    k.parameterCount = noParams;
    return k;
}

LayerKind batchNormKind()
{
    LayerKind k;
    k.name = "BatchNorm";
    k.category = "Normalization";
    k.explanation = "Normalises each feature along the chosen axis to zero mean and unit variance over the batch, "
                    "then scales and shifts it with two learned numbers per feature. It keeps a moving mean and "
                    "variance for inference (non-trainable). Axis 0 is the channels of an image or the features of "
                    "a vector; Keras normalises the last axis (-1) by default.";
    k.params = {intParam("axis", 0, -8, 7, "Axis whose entries are normalised separately (0 = channels, -1 = last)."),
                floatParam("momentum", 0.99, 0.0, 1.0, "Weight of the old moving average at each update (Keras)."),
                floatParam("epsilon", 1e-3, 1e-12, 1.0, "Added to the variance to avoid division by zero.")};
    k.keyParams = {"axis"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        resolveAxis(paramInt(p, "axis"), in[0].size(), "axis");
        return in[0];
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const std::int64_t f = in[0][resolveAxis(paramInt(p, "axis"), in[0].size(), "axis")];
        return ParamCount{2 * f, 2 * f};
    };
    return k;
}

LayerKind dropoutKind()
{
    LayerKind k;
    k.name = "Dropout";
    k.category = "Regularization";
    k.explanation = "During training, sets a random fraction `rate` of its inputs to zero (and scales the rest up), "
                    "so the network cannot rely on any single neuron. It fights overfitting and does nothing at "
                    "evaluation.";
    k.params = {floatParam("rate", 0.5, 0.0, 0.99, "Fraction of inputs dropped during training.")};
    k.keyParams = {"rate"};
    k.outputShape = sameShape;
    k.parameterCount = noParams;
    return k;
}

LayerKind flattenKind()
{
    LayerKind k;
    k.name = "Flatten";
    k.category = "Reshaping";
    k.explanation = "Lays an image or any multi-axis tensor out as one long vector, so that Dense layers can follow. "
                    "A (1, 32, 32) image becomes 1024 numbers. No weights.";
    k.outputShape = [](const std::vector<Shape>& in, const json&) { return Shape{shapeVolume(in[0])}; };
    k.parameterCount = noParams;
    return k;
}

LayerKind reshapeKind()
{
    LayerKind k;
    k.name = "Reshape";
    k.category = "Reshaping";
    k.explanation = "Gives the same numbers a new shape, e.g. 448 values as (8, 7, 8) channels x height x width. "
                    "The number of values must stay the same; one axis may be -1 to be computed.";
    k.params = {{"target_shape", ParamType::IntList, nullptr, -1, kMaxSize, {},
                 "New shape of one sample, e.g. [8, 7, 8]; one entry may be -1."}};
    k.keyParams = {"target_shape"};
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
                throw ModelError("cannot reshape " + std::to_string(volume) + " values into " +
                                 formatShape(target) + ": " + std::to_string(volume) + " is not divisible by " +
                                 std::to_string(known));
            target[unknown] = volume / known;
        } else if (known != volume) {
            throw ModelError("cannot reshape " + formatShape(in[0]) + " (" + std::to_string(volume) +
                             " values) into " + formatShape(target) + " (" + std::to_string(known) + " values)");
        }
        return target;
    };
    k.parameterCount = noParams;
    return k;
}

LayerKind activationKind(const std::string& name, const std::string& explanation, std::vector<ParamDesc> params = {})
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
    return k;
}

LayerKind softmaxKind()
{
    LayerKind k = activationKind(
        "Softmax",
        "Turns scores into probabilities that are positive and sum to one along an axis: the usual last layer "
        "of a classifier with several classes, read as P(class | input).",
        {intParam("axis", -1, -8, 7, "Axis along which the outputs sum to one (-1 = last).")});
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
    k.explanation = "Adds its inputs element by element; they must have the same shape. With an earlier layer as "
                    "one input this is a skip (residual) connection, which helps deep networks train.";
    k.minInputs = 2;
    k.maxInputs = -1;
    k.outputShape = [](const std::vector<Shape>& in, const json&) {
        for (std::size_t i = 1; i < in.size(); ++i) {
            if (in[i] != in[0])
                throw ModelError("Add needs inputs of the same shape but gets " + formatShape(in[0]) + " and " +
                                 formatShape(in[i]) + "; change a layer so both match, or use Concat");
        }
        return in[0];
    };
    k.parameterCount = noParams;
    return k;
}

LayerKind concatKind()
{
    LayerKind k;
    k.name = "Concat";
    k.category = "Merge";
    k.explanation = "Joins its inputs side by side along an axis (0 = channels of images, or features of vectors). "
                    "All other axes must agree. Used to combine branches or to feed a condition, such as the "
                    "energy, next to other inputs.";
    k.params = {intParam("axis", 0, -8, 7, "Axis to join along (0 = channels/features, -1 = last).")};
    k.minInputs = 2;
    k.maxInputs = -1;
    k.keyParams = {"axis"};
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        const std::size_t axis = resolveAxis(paramInt(p, "axis"), in[0].size(), "axis");
        Shape out = in[0];
        for (std::size_t i = 1; i < in.size(); ++i) {
            bool fits = in[i].size() == in[0].size();
            for (std::size_t d = 0; fits && d < in[0].size(); ++d)
                fits = d == axis || in[i][d] == in[0][d];
            if (!fits)
                throw ModelError("Concat along axis " + std::to_string(axis) + " needs all other axes equal but "
                                 "gets " + formatShape(in[0]) + " and " + formatShape(in[i]));
            out[axis] += in[i][axis];
        }
        return out;
    };
    k.parameterCount = noParams;
    return k;
}

std::vector<LayerKind> buildKinds()
{
    std::vector<LayerKind> kinds = {
        inputKind(),
        outputKind(),
        denseKind(),
        conv1DKind(),
        conv2DKind(),
        convTranspose2DKind(),
        pool1DKind("MaxPool1D", "maximum"),
        pool2DKind("MaxPool2D", "maximum"),
        pool1DKind("AvgPool1D", "average"),
        pool2DKind("AvgPool2D", "average"),
        upSamplingKind(),
        zeroPaddingKind(),
        batchNormKind(),
        dropoutKind(),
        flattenKind(),
        reshapeKind(),
        activationKind("ReLU", "max(0, x): passes positive values and zeroes negative ones. Cheap and the default "
                               "choice for hidden layers; its gradient does not vanish for large inputs."),
        activationKind("LeakyReLU",
                       "Like ReLU, but negative inputs are multiplied by a small slope alpha instead of zeroed, so "
                       "no neuron dies. Common in GANs (Keras's default alpha is 0.3).",
                       {floatParam("alpha", 0.3, 0.0, 1.0, "Slope for negative inputs.")}),
        activationKind("ELU", "x for positive inputs, alpha (exp(x) - 1) for negative ones: smooth, with outputs "
                              "centred nearer zero than ReLU's.",
                       {floatParam("alpha", 1.0, 0.0, 10.0, "Value approached for very negative inputs.")}),
        activationKind("Tanh", "The hyperbolic tangent squashes values into (-1, 1). The classic activation of "
                               "shallow networks, used in the Higgs tutorial's shallow model."),
        activationKind("Sigmoid", "1 / (1 + exp(-x)) squashes values into (0, 1): the last layer of a binary "
                                  "classifier, read as the probability of signal."),
        softmaxKind(),
        addKind(),
        concatKind(),
    };
    return kinds;
}

std::string describeJson(const json& value)
{
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

std::string fieldError(const LayerKind& kind, const ParamDesc& desc, const std::string& problem)
{
    return "parameter '" + desc.name + "' of " + kind.name + " " + problem;
}

std::int64_t checkedInt(const LayerKind& kind, const ParamDesc& desc, const json& v)
{
    if (!v.is_number_integer() && !(v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()))
        throw ModelError(fieldError(kind, desc, "must be a whole number, not " + describeJson(v)));
    const double d = v.get<double>();
    if (d < desc.minValue || d > desc.maxValue) {
        std::ostringstream msg;
        msg << "is " << describeJson(v) << " but must be between " << desc.minValue << " and " << desc.maxValue;
        throw ModelError(fieldError(kind, desc, msg.str()));
    }
    return v.get<std::int64_t>();
}

std::string checkedChoice(const LayerKind& kind, const ParamDesc& desc, const json& v)
{
    std::string list;
    for (const auto& c : desc.choices)
        list += (list.empty() ? "" : ", ") + c;
    if (!v.is_string())
        throw ModelError(fieldError(kind, desc, "must be one of " + list + ", not " + describeJson(v)));
    const std::string s = v.get<std::string>();
    if (std::find(desc.choices.begin(), desc.choices.end(), s) == desc.choices.end()) {
        const std::string guess = closestMatch(s, desc.choices);
        throw ModelError(fieldError(kind, desc, "is '" + s + "' but must be one of " + list +
                                                    (guess.empty() ? "" : " (did you mean '" + guess + "'?)")));
    }
    return s;
}

} // namespace

std::string paramTypeName(ParamType type)
{
    switch (type) {
    case ParamType::Int: return "integer";
    case ParamType::Float: return "number";
    case ParamType::Bool: return "true/false";
    case ParamType::Choice: return "choice";
    case ParamType::IntPair: return "pair of integers";
    case ParamType::ChoicePair: return "choice per axis";
    case ParamType::IntList: return "list of integers";
    }
    return "value";
}

const ParamDesc* LayerKind::param(const std::string& paramName) const
{
    for (const auto& p : params) {
        if (p.name == paramName)
            return &p;
    }
    return nullptr;
}

const LayerRegistry& LayerRegistry::instance()
{
    static const LayerRegistry registry;
    return registry;
}

LayerRegistry::LayerRegistry()
    : m_kinds(buildKinds())
{
}

const LayerKind* LayerRegistry::find(const std::string& name) const
{
    for (const auto& k : m_kinds) {
        if (k.name == name)
            return &k;
    }
    return nullptr;
}

const LayerKind& LayerRegistry::kind(const std::string& name) const
{
    if (const LayerKind* k = find(name))
        return *k;
    std::vector<std::string> names;
    for (const auto& k : m_kinds)
        names.push_back(k.name);
    const std::string guess = closestMatch(name, names);
    throw ModelError("unknown layer kind '" + name + "'" +
                     (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
}

json LayerRegistry::defaultParams(const std::string& kindName) const
{
    const LayerKind& k = kind(kindName);
    json params = json::object();
    for (const auto& p : k.params) {
        if (!p.required())
            params[p.name] = p.defaultValue;
        else if (p.type == ParamType::IntList)
            params[p.name] = p.name == "shape" ? json::array({1}) : json::array({-1});
        else
            params[p.name] = std::max<double>(p.minValue, p.type == ParamType::Int ? 16 : 1);
    }
    return canonicalParams(kindName, params);
}

json LayerRegistry::canonicalValue(const LayerKind& k, const ParamDesc& desc, const json& v) const
{
    switch (desc.type) {
    case ParamType::Int:
        return checkedInt(k, desc, v);
    case ParamType::Float: {
        if (!v.is_number())
            throw ModelError(fieldError(k, desc, "must be a number, not " + describeJson(v)));
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < desc.minValue || d > desc.maxValue) {
            std::ostringstream msg;
            msg << "is " << describeJson(v) << " but must be between " << desc.minValue << " and " << desc.maxValue;
            throw ModelError(fieldError(k, desc, msg.str()));
        }
        return d;
    }
    case ParamType::Bool:
        if (!v.is_boolean())
            throw ModelError(fieldError(k, desc, "must be true or false, not " + describeJson(v)));
        return v;
    case ParamType::Choice:
        return checkedChoice(k, desc, v);
    case ParamType::IntPair: {
        if (v.is_number())
            return json::array({checkedInt(k, desc, v), checkedInt(k, desc, v)});
        if (!v.is_array() || v.size() != 2)
            throw ModelError(fieldError(k, desc, "must be a whole number or a pair [height, width], not " +
                                                     describeJson(v)));
        return json::array({checkedInt(k, desc, v[0]), checkedInt(k, desc, v[1])});
    }
    case ParamType::ChoicePair: {
        if (v.is_string())
            return checkedChoice(k, desc, v);
        if (!v.is_array() || v.size() != 2)
            throw ModelError(fieldError(k, desc, "must be a choice or a pair of choices, not " + describeJson(v)));
        const std::string a = checkedChoice(k, desc, v[0]);
        const std::string b = checkedChoice(k, desc, v[1]);
        return a == b ? json(a) : json::array({a, b});
    }
    case ParamType::IntList: {
        if (!v.is_array() || v.empty() || v.size() > kMaxRank)
            throw ModelError(fieldError(k, desc, "must be a list of 1 to 8 whole numbers, not " + describeJson(v)));
        json out = json::array();
        for (const auto& e : v)
            out.push_back(checkedInt(k, desc, e));
        return out;
    }
    }
    return v;
}

json LayerRegistry::canonicalParams(const std::string& kindName, const json& params) const
{
    const LayerKind& k = kind(kindName);
    if (!params.is_null() && !params.is_object())
        throw ModelError("the parameters of " + k.name + " must be a JSON object, not " + describeJson(params));
    json out = json::object();
    if (params.is_object()) {
        std::vector<std::string> names;
        for (const auto& p : k.params)
            names.push_back(p.name);
        for (auto it = params.begin(); it != params.end(); ++it) {
            if (!k.param(it.key())) {
                const std::string guess = closestMatch(it.key(), names);
                throw ModelError(k.name + " has no parameter '" + it.key() + "'" +
                                 (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
            }
        }
    }
    for (const auto& p : k.params) {
        if (params.is_object() && params.contains(p.name)) {
            out[p.name] = canonicalValue(k, p, params.at(p.name));
        } else if (p.required()) {
            throw ModelError("parameter '" + p.name + "' of " + k.name + " is missing: " + p.help);
        } else {
            out[p.name] = canonicalValue(k, p, p.defaultValue);
        }
    }
    return out;
}

std::int64_t paramInt(const json& params, const std::string& name)
{
    return params.at(name).get<std::int64_t>();
}

double paramFloat(const json& params, const std::string& name)
{
    return params.at(name).get<double>();
}

bool paramBool(const json& params, const std::string& name)
{
    return params.at(name).get<bool>();
}

std::string paramString(const json& params, const std::string& name)
{
    return params.at(name).get<std::string>();
}

std::array<std::int64_t, 2> paramIntPair(const json& params, const std::string& name)
{
    const json& v = params.at(name);
    if (v.is_number())
        return {v.get<std::int64_t>(), v.get<std::int64_t>()};
    return {v.at(0).get<std::int64_t>(), v.at(1).get<std::int64_t>()};
}

std::array<std::string, 2> paramChoicePair(const json& params, const std::string& name)
{
    const json& v = params.at(name);
    if (v.is_string())
        return {v.get<std::string>(), v.get<std::string>()};
    return {v.at(0).get<std::string>(), v.at(1).get<std::string>()};
}

std::vector<std::int64_t> paramIntList(const json& params, const std::string& name)
{
    return params.at(name).get<std::vector<std::int64_t>>();
}

std::string closestMatch(const std::string& word, const std::vector<std::string>& candidates)
{
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
        return s;
    };
    const std::string w = lower(word);
    std::string best;
    std::size_t bestDistance = std::numeric_limits<std::size_t>::max();
    for (const auto& candidate : candidates) {
        const std::string c = lower(candidate);
        std::vector<std::size_t> row(c.size() + 1);
        for (std::size_t j = 0; j <= c.size(); ++j)
            row[j] = j;
        for (std::size_t i = 1; i <= w.size(); ++i) {
            std::size_t diagonal = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= c.size(); ++j) {
                const std::size_t up = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (w[i - 1] == c[j - 1] ? 0 : 1)});
                diagonal = up;
            }
        }
        if (row[c.size()] < bestDistance) {
            bestDistance = row[c.size()];
            best = candidate;
        }
    }
    const std::size_t tolerance = std::max<std::size_t>(2, w.size() / 3);
    return bestDistance <= tolerance ? best : std::string();
}

} // namespace neurino
