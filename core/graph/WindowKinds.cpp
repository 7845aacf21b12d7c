#include "core/graph/LayerKinds.h"

#include "core/graph/ConvGeometry.h"
#include "core/nn/LayerBuilders.h"
#include "core/util/Error.h"

namespace neurino::kinds {

using nlohmann::json;

namespace {

bool isSame(const std::string& padding)
{
    return padding == "same";
}

// Spatial output of a window (conv or pool) over the trailing axes of `in`.
Shape windowShape(const std::string& kind, const Shape& in, std::int64_t channels,
    const std::vector<std::int64_t>& kernel, const std::vector<std::int64_t>& stride,
    const std::vector<std::string>& padding)
{
    Shape out { channels };
    static const char* kAxisNames[] = { "height", "width" };
    for (std::size_t i = 0; i < kernel.size(); ++i) {
        const std::int64_t size = in[1 + i];
        const AxisGeometry g = windowAxis(size, kernel[i], stride[i], isSame(padding[i]));
        if (g.out <= 0) {
            const std::string axis = kernel.size() == 1 ? "length" : kAxisNames[i];
            throw ModelError(kind + " window of " + std::to_string(kernel[i]) + " along the " + axis
                + " is larger than the input's " + std::to_string(size)
                + "; use a smaller kernel or padding \"same\"");
        }
        out.push_back(g.out);
    }
    return out;
}

std::vector<std::int64_t> pairVector(const json& params, const std::string& name)
{
    const auto p = paramIntPair(params, name);
    return { p[0], p[1] };
}

std::vector<std::string> choicePairVector(const json& params, const std::string& name)
{
    const auto p = paramChoicePair(params, name);
    return { p[0], p[1] };
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

} // namespace

LayerKind conv1DKind()
{
    LayerKind k;
    k.name = "Conv1D";
    k.category = "Convolution";
    k.explanation
        = "Slides filters of kernel_size samples along a sequence (channels, length), e.g. along a "
          "spectrum. Each filter learns one pattern, such as a peak shape, and reports where it appears. "
          "Weights: channels x kernel_size x filters, plus one bias per filter.";
    k.params = { intParam("filters", nullptr, 1, kMaxSize, "Number of filters (output channels)."),
        intParam("kernel_size", 3, 1, kMaxSize, "Window length."),
        intParam("strides", 1, 1, kMaxSize, "Step between windows."),
        paddingParam("valid: no padding; same: keep ceil(length / stride)."), activationParam(),
        boolParam("use_bias", true, "Add a learned bias to every filter."), initializerParam() };
    k.keyParams = { "filters", "kernel_size", "activation" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("Conv1D", in[0], 2, "a sequence input (channels, length)", "add a Reshape before it");
        return windowShape("Conv1D", in[0], paramInt(p, "filters"), { paramInt(p, "kernel_size") },
            { paramInt(p, "strides") }, { paramString(p, "padding") });
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const std::int64_t f = paramInt(p, "filters");
        return ParamCount { in[0][0] * paramInt(p, "kernel_size") * f + (paramBool(p, "use_bias") ? f : 0),
            0 };
    };
    k.build = buildConv1D;
    return k;
}

LayerKind conv2DKind()
{
    LayerKind k;
    k.name = "Conv2D";
    k.category = "Convolution";
    k.explanation
        = "Slides small learned kernels over an image (channels, height, width). Each filter detects one "
          "local pattern (an edge, a corner, a shower core) wherever it is, so a conv layer needs far "
          "fewer weights than a dense one: channels x kernel height x kernel width x filters, plus biases. "
          "Kernels may be rectangular, e.g. [6, 8].";
    k.params = { intParam("filters", nullptr, 1, kMaxSize, "Number of filters (output channels)."),
        pairParam("kernel_size", json::array({ 3, 3 }), 1, kMaxSize, "Kernel (height, width)."),
        pairParam("strides", json::array({ 1, 1 }), 1, kMaxSize, "Step (height, width) between windows."),
        paddingPairParam(), activationParam(),
        boolParam("use_bias", true, "Add a learned bias to every filter."), initializerParam() };
    k.keyParams = { "filters", "kernel_size", "strides", "padding", "activation" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("Conv2D", in[0], 3, "an image input (channels, height, width)",
            "add a Reshape before it, e.g. to [1, 32, 32]");
        return windowShape("Conv2D", in[0], paramInt(p, "filters"), pairVector(p, "kernel_size"),
            pairVector(p, "strides"), choicePairVector(p, "padding"));
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const auto ks = paramIntPair(p, "kernel_size");
        const std::int64_t f = paramInt(p, "filters");
        return ParamCount { in[0][0] * ks[0] * ks[1] * f + (paramBool(p, "use_bias") ? f : 0), 0 };
    };
    k.build = buildConv2D;
    return k;
}

LayerKind convTranspose2DKind()
{
    LayerKind k;
    k.name = "ConvTranspose2D";
    k.category = "Convolution";
    k.explanation
        = "The transpose of a convolution: each input cell spreads a learned kernel over the output, so "
          "images grow (by the stride with padding \"same\"). Generators use it to turn a small latent map "
          "into a full image.";
    k.params = { intParam("filters", nullptr, 1, kMaxSize, "Number of filters (output channels)."),
        pairParam("kernel_size", json::array({ 3, 3 }), 1, kMaxSize, "Kernel (height, width)."),
        pairParam("strides", json::array({ 1, 1 }), 1, kMaxSize, "Upsampling step (height, width)."),
        paddingParam("valid: output (in - 1) x stride + kernel; same: output in x stride."),
        activationParam(), boolParam("use_bias", true, "Add a learned bias to every filter."),
        initializerParam() };
    k.keyParams = { "filters", "kernel_size", "strides", "activation" };
    k.outputShape = [](const std::vector<Shape>& in, const json& p) {
        requireRank("ConvTranspose2D", in[0], 3, "an image input (channels, height, width)",
            "add a Reshape before it");
        const auto ks = paramIntPair(p, "kernel_size");
        const auto st = paramIntPair(p, "strides");
        const bool same = isSame(paramString(p, "padding"));
        return Shape { paramInt(p, "filters"), transposedAxis(in[0][1], ks[0], st[0], same).out,
            transposedAxis(in[0][2], ks[1], st[1], same).out };
    };
    k.parameterCount = [](const std::vector<Shape>& in, const json& p) {
        const auto ks = paramIntPair(p, "kernel_size");
        const std::int64_t f = paramInt(p, "filters");
        return ParamCount { in[0][0] * ks[0] * ks[1] * f + (paramBool(p, "use_bias") ? f : 0), 0 };
    };
    k.build = buildConvTranspose2D;
    return k;
}

LayerKind pool1DKind(const std::string& name, const std::string& what, LayerBuilder build)
{
    LayerKind k;
    k.name = name;
    k.category = "Pooling";
    k.explanation = "Shrinks a sequence by taking the " + what
        + " of each window of pool_size samples. It has no "
          "weights; it makes the next layers cheaper and less sensitive to small shifts.";
    k.params = { intParam("pool_size", 2, 1, kMaxSize, "Window length."),
        intParam("strides", 0, 0, kMaxSize, "Step between windows; 0 means the pool size."),
        paddingParam("valid: drop the incomplete window; same: keep it.") };
    k.keyParams = { "pool_size" };
    k.outputShape = [name](const std::vector<Shape>& in, const json& p) {
        requireRank(name, in[0], 2, "a sequence input (channels, length)", "add a Reshape before it");
        const std::int64_t pool = paramInt(p, "pool_size");
        const std::int64_t stride = paramInt(p, "strides") == 0 ? pool : paramInt(p, "strides");
        return windowShape(name, in[0], in[0][0], { pool }, { stride }, { paramString(p, "padding") });
    };
    k.parameterCount = noParams;
    k.build = std::move(build);
    return k;
}

LayerKind pool2DKind(const std::string& name, const std::string& what, LayerBuilder build)
{
    LayerKind k;
    k.name = name;
    k.category = "Pooling";
    k.explanation = "Shrinks an image by taking the " + what
        + " of each pool_size window, channel by channel. It "
          "has no weights; it halves the resolution with the default (2, 2) and makes the network "
          "tolerant of small shifts.";
    k.params = { pairParam("pool_size", json::array({ 2, 2 }), 1, kMaxSize, "Window (height, width)."),
        pairParam("strides", json::array({ 0, 0 }), 0, kMaxSize,
            "Step (height, width) between windows; 0 means the pool size."),
        paddingPairParam() };
    k.keyParams = { "pool_size" };
    k.outputShape = [name](const std::vector<Shape>& in, const json& p) {
        requireRank(name, in[0], 3, "an image input (channels, height, width)", "add a Reshape before it");
        return windowShape(name, in[0], in[0][0], pairVector(p, "pool_size"), poolStrides(p),
            choicePairVector(p, "padding"));
    };
    k.parameterCount = noParams;
    k.build = std::move(build);
    return k;
}

} // namespace neurino::kinds
