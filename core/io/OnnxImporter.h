#pragma once

// The ONNX importer's parts, shared by OnnxImport.cpp (reading the model, assembling the graph) and
// OnnxImportOps.cpp (one Neurino form per ONNX operator). Private to core/io; the API is OnnxImport.h.

#include "core/io/OnnxProto.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace neurino::onnximport {

using nlohmann::json;

// What an ONNX value is to the importer.
struct Value {
    enum class Kind {
        Node, // the output of the Neurino node `node`
        Constant, // an initializer or a Constant node's tensor
        Centered, // the input node `node` minus the constant `mean`
        Standardized, // (the input node `node` - `mean`) / `scale`
        Transposed, // `node` with tensor axes 1 and `axis` swapped (before a BatchNormalization)
        NormalizedTransposed, // the BatchNorm `node` on a swapped tensor, to be swapped back
    };
    Kind kind = Kind::Node;
    std::string node;
    torch::Tensor constant, mean, scale;
    std::int64_t axis = 0;
};

class Importer {
public:
    Importer(const onnx::ModelProto& model, std::string source)
        : m_model(model)
        , m_source(std::move(source))
    {
    }

    Checkpoint run();

private:
    [[noreturn]] void fail(const onnx::NodeProto& n, const std::string& message) const
    {
        throw ModelError(
            "ONNX node '" + n.name() + "' (" + n.op_type() + ") of '" + m_source + "': " + message);
    }

    torch::Tensor tensorOf(const onnx::TensorProto& t, const std::string& what) const;
    const Value& value(const onnx::NodeProto& n, int index) const;
    // The Neurino node an input comes from; the standardisation in front of the input is taken here.
    std::string nodeInput(const onnx::NodeProto& n, int index);
    torch::Tensor constantInput(const onnx::NodeProto& n, int index) const;
    bool hasInput(const onnx::NodeProto& n, int index) const
    {
        return n.input_size() > index && !n.input(index).empty();
    }
    Shape shapeOf(const std::string& node) const { return m_shapes.at(node); }

    // Adds a node of `kind` reading `inputs`, named after the ONNX node, and checks its shape.
    std::string add(const onnx::NodeProto& n, const std::string& kind, const json& params,
        const std::vector<std::string>& inputs, const std::string& suffix = {});
    void setOutput(const onnx::NodeProto& n, const std::string& node);
    void setOutputValue(const onnx::NodeProto& n, Value v);
    std::string idFor(const std::string& onnxName, const std::string& kind) const;

    void importNode(const onnx::NodeProto& n);
    void gemm(const onnx::NodeProto& n);
    void matMul(const onnx::NodeProto& n);
    void conv(const onnx::NodeProto& n);
    void convTranspose(const onnx::NodeProto& n);
    void pool(const onnx::NodeProto& n, bool max);
    void globalPool(const onnx::NodeProto& n, bool max);
    void batchNorm(const onnx::NodeProto& n);
    void transpose(const onnx::NodeProto& n);
    void activationNode(
        const onnx::NodeProto& n, const std::string& kind, const std::string& inside, const json& params);
    void softmax(const onnx::NodeProto& n);
    void reshape(const onnx::NodeProto& n);
    void pad(const onnx::NodeProto& n);
    void resize(const onnx::NodeProto& n);
    void sum(const onnx::NodeProto& n);
    void concat(const onnx::NodeProto& n);
    void standardize(const onnx::NodeProto& n, bool divide);
    bool foldBias(const onnx::NodeProto& n, int nodeIndex, const torch::Tensor& bias);

    const onnx::ModelProto& m_model;
    std::string m_source;
    std::int64_t m_opset = 0;
    ModelGraph m_graph;
    NodeTensors m_weights;
    std::map<std::string, Shape> m_shapes;
    std::map<std::string, Value> m_values;
    std::map<std::string, int> m_uses; // how many node inputs and graph outputs read each value
    std::string m_input; // the Input node the standardisation is of
    Standardizer m_standardizer;
};

const onnx::AttributeProto* findAttr(const onnx::NodeProto& n, const std::string& name);
std::int64_t attrInt(const onnx::NodeProto& n, const std::string& name, std::int64_t fallback);
double attrFloat(const onnx::NodeProto& n, const std::string& name, double fallback);
std::string attrString(const onnx::NodeProto& n, const std::string& name, const std::string& fallback);
std::vector<std::int64_t> attrInts(const onnx::NodeProto& n, const std::string& name);
std::string intsText(const std::vector<std::int64_t>& values);

} // namespace neurino::onnximport
