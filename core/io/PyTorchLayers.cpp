#include "core/io/PyTorchLayers.h"

#include "core/graph/ConvGeometry.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace neurino {

std::string pyJoin(const std::vector<std::string>& parts, const std::string& separator)
{
    std::string text;
    for (std::size_t i = 0; i < parts.size(); ++i)
        text += (i ? separator : "") + parts[i];
    return text;
}

std::string pyInts(const std::vector<std::int64_t>& values)
{
    std::vector<std::string> parts;
    for (std::int64_t v : values)
        parts.push_back(std::to_string(v));
    return pyJoin(parts, ", ");
}

namespace {

namespace pylayers {

// "(3, 3)" for two or more values, "3" for one.
std::string intArg(const std::vector<std::int64_t>& values)
{
    return values.size() == 1 ? std::to_string(values[0]) : "(" + pyInts(values) + ")";
}

std::string intList(const std::vector<std::int64_t>& values)
{
    return "[" + pyInts(values) + "]";
}

// A float as Python reads it back: the shortest text that gives the same double, with a decimal point.
// `rounded` prints 15 digits instead, for values computed here (1 - 0.99 is 0.010000000000000009).
std::string pyFloat(double value, bool rounded = false)
{
    char buffer[64];
    if (rounded) {
        std::snprintf(buffer, sizeof buffer, "%.15g", value);
    } else {
        const auto result = std::to_chars(buffer, buffer + sizeof buffer - 1, value);
        *result.ptr = '\0';
    }
    std::string text = buffer;
    if (text.find_first_of(".eni") == std::string::npos)
        text += ".0";
    return text;
}

// GraphModule's activations (core/nn/GraphModule.cpp), by the names of the 'activation' parameter.
std::string activation(const std::string& name, const std::string& x)
{
    if (name == "linear")
        return x;
    if (name == "relu" || name == "tanh" || name == "sigmoid")
        return "torch." + name + "(" + x + ")";
    if (name == "leaky_relu")
        return "F.leaky_relu(" + x + ", 0.3)";
    if (name == "elu")
        return "F.elu(" + x + ")";
    if (name == "softmax")
        return "torch.softmax(" + x + ", dim=1)";
    throw ModelError("unknown activation '" + name + "'");
}

// A sample axis (no batch, negative from the end) as a tensor dimension (batch first), as LayerBuilders.
std::int64_t tensorDim(const PyTorchLayer& c, std::int64_t axis)
{
    const auto rank = static_cast<std::int64_t>(c.in.at(0).size());
    return axis < 0 ? axis + rank + 1 : axis + 1;
}

// A convolution's or pool's window along each spatial axis, and Keras's padding of each.
struct Window {
    std::vector<std::int64_t> kernel, stride;
    std::vector<AxisGeometry> axes;
    std::vector<std::int64_t> pads; // F.pad order: last axis first, before and after
    bool symmetric = true;
    bool padded = false;
};

// Strides of 0 mean the window's size (pools allow it).
Window windowOf(const PyTorchLayer& c, const std::string& sizeName)
{
    Window w;
    std::vector<std::string> padding;
    if (c.in.at(0).size() == 3) {
        const auto k = paramIntPair(c.p, sizeName);
        const auto s = paramIntPair(c.p, "strides");
        const auto pd = paramChoicePair(c.p, "padding");
        w.kernel = { k[0], k[1] };
        w.stride = { s[0] ? s[0] : k[0], s[1] ? s[1] : k[1] };
        padding = { pd[0], pd[1] };
    } else {
        const std::int64_t k = paramInt(c.p, sizeName);
        const std::int64_t s = paramInt(c.p, "strides");
        w.kernel = { k };
        w.stride = { s ? s : k };
        padding = { paramString(c.p, "padding") };
    }
    for (std::size_t i = 0; i < w.kernel.size(); ++i)
        w.axes.push_back(windowAxis(c.in[0][1 + i], w.kernel[i], w.stride[i], padding[i] == "same"));
    for (std::size_t i = w.axes.size(); i-- > 0;) {
        w.pads.push_back(w.axes[i].padBefore);
        w.pads.push_back(w.axes[i].padAfter);
        w.symmetric = w.symmetric && w.axes[i].padBefore == w.axes[i].padAfter;
        w.padded = w.padded || w.axes[i].padBefore || w.axes[i].padAfter;
    }
    return w;
}

std::vector<std::string> weightNames(const PyTorchLayer& c)
{
    if (paramBool(c.p, "use_bias"))
        return { "weight", "bias" };
    return { "weight" };
}

std::string biasArg(const PyTorchLayer& c)
{
    return paramBool(c.p, "use_bias") ? "" : ", bias=False";
}

void writeDense(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    code.init.push_back(c.self() + " = nn.Linear(" + std::to_string(c.in[0][0]) + ", "
        + std::to_string(paramInt(c.p, "units")) + biasArg(c) + ")");
    code.forward.push_back(
        c.assign(activation(paramString(c.p, "activation"), c.self() + "(" + c.x() + ")")));
    code.params = weightNames(c);
}

// Symmetric padding is the convolution's own; Keras's asymmetric "same" padding comes first, with F.pad.
void writeConv(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const Window w = windowOf(c, "kernel_size");
    const bool twoD = w.kernel.size() == 2;
    std::string args = std::to_string(c.in[0][0]) + ", " + std::to_string(paramInt(c.p, "filters"))
        + ", kernel_size=" + intArg(w.kernel);
    if (std::any_of(w.stride.begin(), w.stride.end(), [](std::int64_t s) { return s != 1; }))
        args += ", stride=" + intArg(w.stride);
    std::string x = c.x();
    if (w.padded && w.symmetric) {
        std::vector<std::int64_t> padding;
        for (const AxisGeometry& g : w.axes)
            padding.push_back(g.padBefore);
        args += ", padding=" + intArg(padding);
    } else if (w.padded) {
        x = "F.pad(" + x + ", " + intList(w.pads) + ")";
    }
    code.init.push_back(c.self() + " = nn.Conv" + (twoD ? "2d(" : "1d(") + args + biasArg(c) + ")");
    code.forward.push_back(c.assign(activation(paramString(c.p, "activation"), c.self() + "(" + x + ")")));
    code.params = weightNames(c);
}

// Keras's "same" output size: LibTorch's output_padding adds cells after, a crop takes the extra ones off.
void writeConvTranspose(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const auto k = paramIntPair(c.p, "kernel_size");
    const auto s = paramIntPair(c.p, "strides");
    const bool same = paramString(c.p, "padding") == "same";
    const TransposedAxisGeometry gh = transposedAxis(c.in[0][1], k[0], s[0], same);
    const TransposedAxisGeometry gw = transposedAxis(c.in[0][2], k[1], s[1], same);
    std::string args = std::to_string(c.in[0][0]) + ", " + std::to_string(paramInt(c.p, "filters"))
        + ", kernel_size=" + intArg({ k[0], k[1] });
    if (s[0] != 1 || s[1] != 1)
        args += ", stride=" + intArg({ s[0], s[1] });
    if (gh.extraAfter || gw.extraAfter)
        args += ", output_padding=" + intArg({ gh.extraAfter, gw.extraAfter });
    code.init.push_back(c.self() + " = nn.ConvTranspose2d(" + args + biasArg(c) + ")");
    std::string y = c.self() + "(" + c.x() + ")";
    const std::int64_t fullH = (c.in[0][1] - 1) * s[0] + k[0] + gh.extraAfter;
    const std::int64_t fullW = (c.in[0][2] - 1) * s[1] + k[1] + gw.extraAfter;
    if (fullH != gh.out || fullW != gw.out)
        y += "[:, :, " + std::to_string(gh.cropBefore) + ":" + std::to_string(gh.cropBefore + gh.out) + ", "
            + std::to_string(gw.cropBefore) + ":" + std::to_string(gw.cropBefore + gw.out) + "]";
    code.forward.push_back(c.assign(activation(paramString(c.p, "activation"), y)));
    code.params = weightNames(c);
}

// Keras's "same" pooling ignores the padded cells: a max pool pads with -inf, an average pool divides by
// the share of real cells in each window.
void writePool(const PyTorchLayer& c, PyTorchLayerCode& code, bool max)
{
    const Window w = windowOf(c, "pool_size");
    const std::string function
        = std::string(max ? "F.max_pool" : "F.avg_pool") + (w.kernel.size() == 2 ? "2d(" : "1d(");
    const std::string window
        = ", " + intArg(w.kernel) + (w.stride == w.kernel ? "" : ", stride=" + intArg(w.stride)) + ")";
    if (!w.padded) {
        code.forward.push_back(c.assign(function + c.x() + window));
    } else if (max) {
        code.forward.push_back(c.assign(
            function + "F.pad(" + c.x() + ", " + intList(w.pads) + ", value=float(\"-inf\"))" + window));
    } else {
        code.forward.push_back(
            c.assign(function + "F.pad(" + c.x() + ", " + intList(w.pads) + ")" + window + " / " + function));
        code.forward.push_back(
            "    F.pad(torch.ones_like(" + c.x() + "[:1, :1]), " + intList(w.pads) + ")" + window);
    }
}

void writeUpSampling(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const auto f = paramIntPair(c.p, "size");
    std::string y = c.x();
    if (f[0] != 1)
        y += ".repeat_interleave(" + std::to_string(f[0]) + ", dim=2)";
    if (f[1] != 1)
        y += ".repeat_interleave(" + std::to_string(f[1]) + ", dim=3)";
    code.forward.push_back(c.assign(y));
}

void writeZeroPadding(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const auto pad = paramIntPair(c.p, "padding");
    code.forward.push_back(
        c.assign("F.pad(" + c.x() + ", " + intList({ pad[1], pad[1], pad[0], pad[0] }) + ")"));
}

// PyTorch's BatchNorm layers normalise dimension 1; another axis (Keras's axis=-1 of an image) takes
// BatchNormAxis, which model.py then defines. Neurino's momentum is Keras's (the old average's weight).
void writeBatchNorm(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.p, "axis"));
    const std::int64_t features = c.in[0].at(static_cast<std::size_t>(dim - 1));
    const std::size_t tensorRank = c.in[0].size() + 1;
    const std::string options = "eps=" + pyFloat(paramFloat(c.p, "epsilon"))
        + ", momentum=" + pyFloat(1.0 - paramFloat(c.p, "momentum"), /*rounded=*/true);
    std::string layer;
    if (dim == 1 && tensorRank <= 3)
        layer = "nn.BatchNorm1d(" + std::to_string(features) + ", " + options + ")";
    else if (dim == 1 && tensorRank <= 5)
        layer = "nn.BatchNorm" + std::to_string(tensorRank - 2) + "d(" + std::to_string(features) + ", "
            + options + ")";
    else {
        layer = "BatchNormAxis(" + std::to_string(features) + ", dim=" + std::to_string(dim) + ", " + options
            + ")";
        code.needsBatchNormAxis = true;
    }
    code.init.push_back(c.self() + " = " + layer);
    code.forward.push_back(c.assign(c.self() + "(" + c.x() + ")"));
    code.params = { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" };
}

void writeDropout(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    code.init.push_back(c.self() + " = nn.Dropout(p=" + pyFloat(paramFloat(c.p, "rate")) + ")");
    code.forward.push_back(c.assign(c.self() + "(" + c.x() + ")"));
}

void writeReshape(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    code.forward.push_back(c.assign(c.x() + ".reshape(" + c.x() + ".shape[0], " + pyInts(c.out) + ")"));
}

void writeSoftmax(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.p, "axis"));
    code.forward.push_back(c.assign("torch.softmax(" + c.x() + ", dim=" + std::to_string(dim) + ")"));
}

void writeConcat(const PyTorchLayer& c, PyTorchLayerCode& code)
{
    const std::int64_t dim = tensorDim(c, paramInt(c.p, "axis"));
    code.forward.push_back(
        c.assign("torch.cat([" + pyJoin(c.args, ", ") + "], dim=" + std::to_string(dim) + ")"));
}

std::map<std::string, PyTorchLayerWriter> makeWriters()
{
    std::map<std::string, PyTorchLayerWriter> w;
    w["Dense"] = writeDense;
    w["Conv1D"] = writeConv;
    w["Conv2D"] = writeConv;
    w["ConvTranspose2D"] = writeConvTranspose;
    w["MaxPool1D"] = w["MaxPool2D"]
        = [](const PyTorchLayer& c, PyTorchLayerCode& code) { writePool(c, code, true); };
    w["AvgPool1D"] = w["AvgPool2D"]
        = [](const PyTorchLayer& c, PyTorchLayerCode& code) { writePool(c, code, false); };
    w["UpSampling2D"] = writeUpSampling;
    w["ZeroPadding2D"] = writeZeroPadding;
    w["BatchNorm"] = writeBatchNorm;
    w["Dropout"] = writeDropout;
    w["Flatten"] = [](const PyTorchLayer& c, PyTorchLayerCode& code) {
        code.forward.push_back(c.assign("torch.flatten(" + c.x() + ", 1)"));
    };
    w["Reshape"] = writeReshape;
    for (const char* name : { "ReLU", "Tanh", "Sigmoid" }) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](char ch) { return std::tolower(ch); });
        w[name] = [lower](const PyTorchLayer& c, PyTorchLayerCode& code) {
            code.forward.push_back(c.assign(activation(lower, c.x())));
        };
    }
    w["LeakyReLU"] = [](const PyTorchLayer& c, PyTorchLayerCode& code) {
        code.forward.push_back(
            c.assign("F.leaky_relu(" + c.x() + ", " + pyFloat(paramFloat(c.p, "alpha")) + ")"));
    };
    w["ELU"] = [](const PyTorchLayer& c, PyTorchLayerCode& code) {
        code.forward.push_back(c.assign("F.elu(" + c.x() + ", " + pyFloat(paramFloat(c.p, "alpha")) + ")"));
    };
    w["Softmax"] = writeSoftmax;
    w["Add"] = [](const PyTorchLayer& c, PyTorchLayerCode& code) {
        code.forward.push_back(c.assign(pyJoin(c.args, " + ")));
    };
    w["Concat"] = writeConcat;
    return w;
}

// BatchNorm along any dimension, as core/nn/BatchNormAxis: PyTorch's own layer on the dimension moved to 1.
const char* const kBatchNormAxisClass = R"(class BatchNormAxis(nn.BatchNorm1d):
    """Batch normalisation of tensor dimension `dim` (Keras's BatchNormalization(axis=...)): PyTorch's
    BatchNorm layers normalise dimension 1, so `dim` is moved there and back."""

    def __init__(self, num_features, dim, eps, momentum):
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.dim = dim

    def _check_input_dim(self, input):
        pass

    def forward(self, input):
        return super().forward(input.movedim(self.dim, 1)).movedim(1, self.dim)


)";

} // namespace pylayers

} // namespace

const std::map<std::string, PyTorchLayerWriter>& pyTorchLayerWriters()
{
    static const std::map<std::string, PyTorchLayerWriter> writers = pylayers::makeWriters();
    return writers;
}

const char* pyTorchBatchNormAxisClass()
{
    return pylayers::kBatchNormAxisClass;
}

} // namespace neurino
