#include "core/nn/LayerBuilders.h"

#include "core/graph/ConvGeometry.h"
#include "core/graph/LayerRegistry.h"
#include "core/nn/BatchNormAxis.h"
#include "core/nn/LayerBuildContext.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <algorithm>
#include <limits>

namespace neurino {

using Tensors = std::vector<torch::Tensor>;

namespace {

// Sample axis (no batch) to tensor dimension (batch first), negative axes counted from the end.
std::int64_t tensorDim(const LayerBuildContext& c, std::int64_t axis)
{
    const std::size_t rank = c.inputs.empty() ? c.output.size() : c.inputs[0].size();
    return axis < 0 ? axis + static_cast<std::int64_t>(rank) + 1 : axis + 1;
}

// The window (kernel or pool) of a 1D or 2D layer, one entry per spatial axis.
struct Window {
    std::vector<std::int64_t> kernel;
    std::vector<std::int64_t> stride;
    std::vector<std::string> padding;
};

// Strides of 0 mean the window's size (pools allow it; convolutions never have 0).
Window windowOf(const nlohmann::json& p, bool twoD, const std::string& sizeName)
{
    if (twoD) {
        const auto k = paramIntPair(p, sizeName);
        const auto st = paramIntPair(p, "strides");
        const auto pd = paramChoicePair(p, "padding");
        return { { k[0], k[1] }, { st[0] ? st[0] : k[0], st[1] ? st[1] : k[1] }, { pd[0], pd[1] } };
    }
    const std::int64_t k = paramInt(p, sizeName);
    const std::int64_t st = paramInt(p, "strides");
    return { { k }, { st ? st : k }, { paramString(p, "padding") } };
}

// Padding of every spatial axis, in F.pad order (last axis first).
std::vector<std::int64_t> padOrder(const std::vector<AxisGeometry>& g)
{
    std::vector<std::int64_t> pads;
    for (std::size_t i = g.size(); i-- > 0;) {
        pads.push_back(g[i].padBefore);
        pads.push_back(g[i].padAfter);
    }
    return pads;
}

std::vector<AxisGeometry> windowGeometry(const Shape& in, const Window& w)
{
    std::vector<AxisGeometry> geometry;
    for (std::size_t i = 0; i < w.kernel.size(); ++i)
        geometry.push_back(windowAxis(in[1 + i], w.kernel[i], w.stride[i], w.padding[i] == "same"));
    return geometry;
}

bool anyNonZero(const std::vector<std::int64_t>& values)
{
    return std::any_of(values.begin(), values.end(), [](std::int64_t v) { return v != 0; });
}

// Keras's "same" pooling ignores the padded cells: max pools pad with -inf, average pools divide by the
// number of real cells in each window, precomputed here.
torch::Tensor validCellCount(const Shape& in, const Window& w, const std::vector<std::int64_t>& pads)
{
    std::vector<std::int64_t> size { 1, 1 };
    for (std::size_t i = 0; i < w.kernel.size(); ++i)
        size.push_back(in[1 + i]);
    torch::Tensor ones = torch::constant_pad_nd(torch::ones(size), pads, 0);
    if (w.kernel.size() == 1)
        return torch::avg_pool1d(ones, w.kernel, w.stride) * w.kernel[0];
    return torch::avg_pool2d(ones, w.kernel, w.stride) * (w.kernel[0] * w.kernel[1]);
}

// A layer with weights: initialised as its kernel_initializer says, followed by its activation.
void setWeighted(LayerBuildContext& c, std::shared_ptr<torch::nn::Module> layer)
{
    c.weighted = std::move(layer);
    c.activation = paramString(c.params, "activation");
    c.initializer = paramString(c.params, "kernel_initializer");
}

void buildConv(LayerBuildContext& c, bool twoD)
{
    const Window w = windowOf(c.params, twoD, "kernel_size");
    const std::vector<std::int64_t> pads = padOrder(windowGeometry(c.inputs[0], w));
    std::vector<std::int64_t> symmetricPad;
    bool symmetric = true;
    for (std::size_t i = 0; i < w.kernel.size(); ++i) {
        const std::size_t at = 2 * (w.kernel.size() - 1 - i);
        symmetricPad.push_back(pads[at]);
        symmetric = symmetric && pads[at] == pads[at + 1];
    }
    // Symmetric padding is the convolution's own (fast); asymmetric "same" pads explicitly, as Keras does.
    std::function<torch::Tensor(const torch::Tensor&)> prePad = [](const torch::Tensor& x) { return x; };
    if (anyNonZero(pads) && !symmetric) {
        prePad = [pads](const torch::Tensor& x) { return torch::constant_pad_nd(x, pads, 0); };
        symmetricPad.assign(w.kernel.size(), 0);
    }
    const std::int64_t channels = c.inputs[0][0];
    const std::int64_t filters = paramInt(c.params, "filters");
    const bool bias = paramBool(c.params, "use_bias");
    if (twoD) {
        auto layer = c.add(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, filters, w.kernel)
                                                 .stride(w.stride)
                                                 .padding(symmetricPad)
                                                 .bias(bias)));
        setWeighted(c, layer);
        c.body = [layer, prePad](const Tensors& x) { return layer->forward(prePad(x[0])); };
    } else {
        auto layer = c.add(torch::nn::Conv1d(torch::nn::Conv1dOptions(channels, filters, w.kernel[0])
                                                 .stride(w.stride[0])
                                                 .padding(symmetricPad[0])
                                                 .bias(bias)));
        setWeighted(c, layer);
        c.body = [layer, prePad](const Tensors& x) { return layer->forward(prePad(x[0])); };
    }
}

void buildPool(LayerBuildContext& c, bool twoD, bool max)
{
    const Window w = windowOf(c.params, twoD, "pool_size");
    const std::vector<std::int64_t> pads = padOrder(windowGeometry(c.inputs[0], w));
    const bool anyPad = anyNonZero(pads);
    const std::vector<std::int64_t> kernel = w.kernel, stride = w.stride;
    if (max) {
        const double fill = -std::numeric_limits<double>::infinity();
        c.body = [kernel, stride, pads, anyPad, twoD, fill](const Tensors& x) {
            torch::Tensor t = anyPad ? torch::constant_pad_nd(x[0], pads, fill) : x[0];
            return twoD ? torch::max_pool2d(t, kernel, stride) : torch::max_pool1d(t, kernel, stride);
        };
        return;
    }
    torch::Tensor area;
    if (anyPad) {
        const double cells = static_cast<double>(twoD ? kernel[0] * kernel[1] : kernel[0]);
        area = validCellCount(c.inputs[0], w, pads) / cells; // fraction of real cells per window
    }
    c.body = [kernel, stride, pads, anyPad, twoD, area](const Tensors& x) {
        torch::Tensor t = anyPad ? torch::constant_pad_nd(x[0], pads, 0) : x[0];
        torch::Tensor y = twoD ? torch::avg_pool2d(t, kernel, stride) : torch::avg_pool1d(t, kernel, stride);
        return anyPad ? y / area.to(y.device()) : y;
    };
}

// A layer that is only its activation, applied by GraphModule (so forwardLogits() can leave it out).
void buildActivation(LayerBuildContext& c, const std::string& activation)
{
    c.body = [](const Tensors& x) { return x[0]; };
    c.activation = activation;
}

} // namespace

void buildInput(LayerBuildContext& c)
{
    const Shape shape = c.output;
    const std::string id = c.node.id;
    c.body = [shape, id](const Tensors& x) {
        const auto sizes = x[0].sizes();
        bool fits = static_cast<std::size_t>(x[0].dim()) == shape.size() + 1;
        for (std::size_t i = 0; fits && i < shape.size(); ++i)
            fits = sizes[i + 1] == shape[i];
        if (!fits)
            throw ModelError("input '" + id + "' expects samples of shape " + formatShape(shape)
                + " but the data has batches of shape " + formatShape(sizes.vec())
                + " (batch first); check the dataset or the Input's shape");
        return x[0];
    };
}

void buildPassThrough(LayerBuildContext& c)
{
    c.body = [](const Tensors& x) { return x[0]; };
}

void buildDense(LayerBuildContext& c)
{
    const auto& p = c.params;
    auto layer = c.add(torch::nn::Linear(
        torch::nn::LinearOptions(c.inputs[0][0], paramInt(p, "units")).bias(paramBool(p, "use_bias"))));
    setWeighted(c, layer);
    c.body = [layer](const Tensors& x) { return layer->forward(x[0]); };
}

void buildConv1D(LayerBuildContext& c)
{
    buildConv(c, /*twoD=*/false);
}

void buildConv2D(LayerBuildContext& c)
{
    buildConv(c, /*twoD=*/true);
}

void buildConvTranspose2D(LayerBuildContext& c)
{
    const auto& p = c.params;
    const auto& in = c.inputs[0];
    const auto k = paramIntPair(p, "kernel_size");
    const auto st = paramIntPair(p, "strides");
    const bool same = paramString(p, "padding") == "same";
    const TransposedAxisGeometry gh = transposedAxis(in[1], k[0], st[0], same);
    const TransposedAxisGeometry gw = transposedAxis(in[2], k[1], st[1], same);
    auto layer = c.add(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(in[0], paramInt(p, "filters"), { k[0], k[1] })
            .stride({ st[0], st[1] })
            .output_padding({ gh.extraAfter, gw.extraAfter })
            .bias(paramBool(p, "use_bias"))));
    setWeighted(c, layer);
    const std::int64_t outH = gh.out, outW = gw.out, cropH = gh.cropBefore, cropW = gw.cropBefore;
    c.body = [layer, outH, outW, cropH, cropW](const Tensors& x) {
        torch::Tensor y = layer->forward(x[0]);
        if (y.size(2) != outH || y.size(3) != outW)
            y = y.narrow(2, cropH, outH).narrow(3, cropW, outW);
        return y;
    };
}

void buildMaxPool1D(LayerBuildContext& c)
{
    buildPool(c, /*twoD=*/false, /*max=*/true);
}

void buildMaxPool2D(LayerBuildContext& c)
{
    buildPool(c, /*twoD=*/true, /*max=*/true);
}

void buildAvgPool1D(LayerBuildContext& c)
{
    buildPool(c, /*twoD=*/false, /*max=*/false);
}

void buildAvgPool2D(LayerBuildContext& c)
{
    buildPool(c, /*twoD=*/true, /*max=*/false);
}

void buildUpSampling2D(LayerBuildContext& c)
{
    const auto f = paramIntPair(c.params, "size");
    c.body = [f](const Tensors& x) { return x[0].repeat_interleave(f[0], 2).repeat_interleave(f[1], 3); };
}

void buildZeroPadding2D(LayerBuildContext& c)
{
    const auto pad = paramIntPair(c.params, "padding");
    const std::vector<std::int64_t> pads { pad[1], pad[1], pad[0], pad[0] };
    c.body = [pads](const Tensors& x) { return torch::constant_pad_nd(x[0], pads, 0); };
}

void buildBatchNorm(LayerBuildContext& c)
{
    const auto& p = c.params;
    const std::int64_t dim = tensorDim(c, paramInt(p, "axis"));
    auto layer = c.add(
        BatchNormAxis(c.inputs[0][dim - 1], dim, paramFloat(p, "momentum"), paramFloat(p, "epsilon")));
    c.body = [layer](const Tensors& x) { return layer->forward(x[0]); };
}

void buildDropout(LayerBuildContext& c)
{
    auto layer = c.add(torch::nn::Dropout(torch::nn::DropoutOptions(paramFloat(c.params, "rate"))));
    c.body = [layer](const Tensors& x) { return layer->forward(x[0]); };
}

void buildFlatten(LayerBuildContext& c)
{
    c.body = [](const Tensors& x) { return x[0].flatten(1); };
}

void buildReshape(LayerBuildContext& c)
{
    const Shape target = c.output;
    c.body = [target](const Tensors& x) {
        std::vector<std::int64_t> sizes { x[0].size(0) };
        sizes.insert(sizes.end(), target.begin(), target.end());
        return x[0].reshape(sizes);
    };
}

void buildReLU(LayerBuildContext& c)
{
    buildActivation(c, "relu");
}

void buildLeakyReLU(LayerBuildContext& c)
{
    const double alpha = paramFloat(c.params, "alpha");
    c.body = [alpha](const Tensors& x) { return torch::leaky_relu(x[0], alpha); };
}

void buildELU(LayerBuildContext& c)
{
    const double alpha = paramFloat(c.params, "alpha");
    c.body = [alpha](const Tensors& x) { return torch::elu(x[0], alpha); };
}

void buildTanh(LayerBuildContext& c)
{
    buildActivation(c, "tanh");
}

void buildSigmoid(LayerBuildContext& c)
{
    buildActivation(c, "sigmoid");
}

void buildSoftmax(LayerBuildContext& c)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.params, "axis"));
    if (dim == 1) {
        buildActivation(c, "softmax");
        return;
    }
    c.body = [dim](const Tensors& x) { return torch::softmax(x[0], dim); };
}

void buildAdd(LayerBuildContext& c)
{
    c.body = [](const Tensors& x) {
        torch::Tensor sum = x[0];
        for (std::size_t i = 1; i < x.size(); ++i)
            sum = sum + x[i];
        return sum;
    };
}

void buildConcat(LayerBuildContext& c)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.params, "axis"));
    c.body = [dim](const Tensors& x) { return torch::cat(x, dim); };
}

} // namespace neurino
