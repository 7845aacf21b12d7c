// LibTorch's headers come first: they use `slots` as a name, which Qt's headers define as a macro.
#include "core/analysis/Importance.h"
#include "core/analysis/LayerInspection.h"
#include "core/analysis/Pca.h"
#include "core/analysis/Tsne.h"
#include "core/train/Evaluator.h"
#include "core/train/Trainer.h"

#include "widgets/session/TrainedModel.h"

#include <QObject>

#include <algorithm>
#include <mutex>

namespace neurino {

namespace {

// Dimensions t-SNE works in: activations with more are first reduced by PCA, as scikit-learn's guide and
// most t-SNE papers advise.
constexpr std::int64_t kTsneDimensions = 50;
// Samples whose activations are computed at once.
constexpr std::int64_t kBatch = 256;

bool isImageShape(const Shape& s)
{
    return s.size() == 3 && s[1] >= 4 && s[2] >= 4;
}

std::vector<float> toVector(const torch::Tensor& t)
{
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace

struct TrainedModel::Private {
    mutable std::mutex mutex;
    GraphModule module { nullptr };
    Standardizer standardizer;
    std::shared_ptr<const Dataset> data;
    torch::Tensor offered; // rows offered for feature maps
    QString part;
    std::string name;
    std::vector<Layer> layers;
    std::vector<std::string> classNames;
    bool classes = false;
    bool images = false;

    int label(std::int64_t row) const
    {
        if (!classes)
            return -1;
        return static_cast<int>(std::lround(data->targets[row].item<double>()));
    }
};

TrainedModel::TrainedModel()
    : d(std::make_unique<Private>())
{
}

TrainedModel::~TrainedModel() = default;

std::shared_ptr<const TrainedModel> TrainedModel::fromTrainer(Trainer& trainer)
{
    std::shared_ptr<TrainedModel> model(new TrainedModel);
    Private& p = *model->d;
    const ModelGraph& graph = trainer.graph();
    p.module = GraphModule(graph);
    {
        torch::NoGradGuard noGrad;
        const auto from = trainer.module()->nodeTensors();
        for (auto& [node, tensors] : p.module->nodeTensors()) {
            for (auto& [name, tensor] : tensors)
                tensor.copy_(from.at(node).at(name).to(torch::kCPU));
        }
    }
    p.module->eval();
    p.standardizer = trainer.standardizer();
    // Tensors share their storage: the copy costs nothing and outlives the trainer.
    p.data = std::make_shared<const Dataset>(*trainer.data());
    const SplitIndices& split = trainer.split();
    if (split.test.defined() && split.test.numel() > 0) {
        p.offered = split.test;
        p.part = QObject::tr("test");
    } else if (split.validation.defined() && split.validation.numel() > 0) {
        p.offered = split.validation;
        p.part = QObject::tr("validation");
    } else {
        p.offered = split.train.defined() ? split.train : torch::arange(p.data->size(), torch::kLong);
        p.part = QObject::tr("training");
    }
    p.offered = p.offered.to(torch::kCPU, torch::kLong).contiguous();
    p.name = graph.name();
    const Task task = p.data->info.task;
    p.classes = (task == Task::Classification || task == Task::Binary) && p.data->targets.defined();
    p.classNames = p.data->info.classNames;
    if (task == Task::Binary && p.classNames.size() != 2)
        p.classNames = { "background", "signal" };
    const auto shapes = graph.inferShapes();
    for (const std::string& id : graph.topologicalOrder()) {
        const std::string& kind = graph.node(id).layer.kind;
        if (kind != "Output")
            p.layers.push_back({ id, kind, shapes.at(id) });
    }
    const Shape sample(p.data->features.sizes().begin() + 1, p.data->features.sizes().end());
    p.images = isImageShape(sample);
    return model;
}

const std::string& TrainedModel::modelName() const
{
    return d->name;
}

const std::vector<TrainedModel::Layer>& TrainedModel::layers() const
{
    return d->layers;
}

const std::vector<std::string>& TrainedModel::classNames() const
{
    return d->classNames;
}

bool TrainedModel::hasImages() const
{
    return d->images;
}

int TrainedModel::sampleCount() const
{
    return static_cast<int>(d->offered.numel());
}

QString TrainedModel::samplePart() const
{
    return d->part;
}

int TrainedModel::sampleLabel(int sample) const
{
    if (sample < 0 || sample >= sampleCount())
        return -1;
    return d->label(d->offered[sample].item<std::int64_t>());
}

FeatureMapData TrainedModel::featureMaps(int sample) const
{
    FeatureMapData result;
    if (sample < 0 || sample >= sampleCount())
        return result;
    std::lock_guard<std::mutex> lock(d->mutex);
    const std::int64_t row = d->offered[sample].item<std::int64_t>();
    const torch::Tensor raw = d->data->features.slice(0, row, row + 1).to(torch::kCPU, torch::kFloat);
    const torch::Tensor x = d->standardizer.fitted() ? d->standardizer.apply(raw) : raw;
    GraphModule module = d->module;
    result.layers = layerActivations(module, x);
    // The picture of the input as it is in the data, not standardised.
    result.layers.front().values = toVector(raw.select(0, 0));
    result.sample = sample;
    result.row = row;
    result.truth = d->label(row);
    result.classNames = d->classNames;
    if (d->classes && !result.layers.empty()) {
        const std::vector<float>& out = result.layers.back().values;
        if (out.size() == 1) {
            result.predicted = out[0] >= 0.5f ? 1 : 0;
            result.probability = result.predicted == 1 ? out[0] : 1 - out[0];
        } else if (!out.empty()) {
            const auto best = std::max_element(out.begin(), out.end());
            result.predicted = static_cast<int>(best - out.begin());
            result.probability = *best;
        }
    }
    return result;
}

ImportanceData TrainedModel::importance(int sample, int classIndex, int maxSamples) const
{
    ImportanceData result;
    result.images = d->images;
    result.classNames = d->classNames;
    const Dataset& data = *d->data;
    const bool tabular = data.features.dim() == 2;
    if (!d->images && !tabular)
        return result;
    const auto standardised = [this](const torch::Tensor& raw) {
        return d->standardizer.fitted() ? d->standardizer.apply(raw) : raw;
    };
    std::lock_guard<std::mutex> lock(d->mutex);
    GraphModule module = d->module;
    if (d->images) {
        if (sample < 0 || sample >= sampleCount())
            return result;
        const std::int64_t row = d->offered[sample].item<std::int64_t>();
        const torch::Tensor raw = data.features.slice(0, row, row + 1).to(torch::kCPU, torch::kFloat);
        result.maps = imageImportance(module, standardised(raw)[0], classIndex);
        result.sample = sample;
        result.row = row;
        result.truth = d->label(row);
        result.image = toVector(raw[0].dim() == 3 ? raw[0][0] : raw[0]);
        return result;
    }
    const torch::Tensor rows = d->offered.slice(0, 0, std::max(maxSamples, 1));
    const torch::Tensor x = standardised(data.features.index_select(0, rows).to(torch::kCPU, torch::kFloat));
    const torch::Tensor targets
        = data.targets.defined() ? data.targets.index_select(0, rows).to(torch::kCPU) : torch::Tensor();
    result.features
        = featureImportance(module, x, targets, data.info.task, data.info.featureNames, classIndex);
    return result;
}

EmbeddingData TrainedModel::embedding(
    const std::string& node, Method method, int maxSamples, const Progress& progress) const
{
    EmbeddingData result;
    result.method = method == Method::Pca ? QStringLiteral("PCA") : QStringLiteral("t-SNE");
    const Dataset& data = *d->data;
    const std::int64_t n = std::min<std::int64_t>(std::max(maxSamples, 0), data.size());
    const Layer* layer = &d->layers.front();
    for (const Layer& l : d->layers) {
        if (l.id == node)
            layer = &l;
    }
    result.node = layer->id;
    result.nodeText = describe(*layer);
    result.classNames = d->classNames;
    const torch::Tensor raw = data.features.slice(0, 0, n).to(torch::kCPU, torch::kFloat);
    torch::Tensor x;
    if (layer->kind == "Input") {
        x = raw.flatten(1);
    } else {
        // Only the model needs the lock: the projection, which may take a while, runs without it, so that
        // feature maps asked for meanwhile come at once.
        std::lock_guard<std::mutex> lock(d->mutex);
        GraphModule module = d->module;
        x = predict(
            module, raw, d->standardizer.fitted() ? &d->standardizer : nullptr, c10::kCPU, kBatch, layer->id)
                .flatten(1);
    }
    torch::Tensor plane;
    if (method == Method::Pca) {
        const Pca pca(x, std::min<std::int64_t>(2, x.size(1)));
        plane = pca.transform(x);
        result.explained[0] = pca.explainedVarianceRatio()[0].item<double>();
        if (plane.size(1) > 1)
            result.explained[1] = pca.explainedVarianceRatio()[1].item<double>();
        else
            plane = torch::cat({ plane, torch::zeros_like(plane) }, 1);
    } else {
        if (x.size(1) > kTsneDimensions)
            x = Pca(x, kTsneDimensions).transform(x);
        TsneOptions options;
        options.progressEvery = 10;
        const TsneResult tsne = runTsne(x, options,
            [&](const TsneProgress& p) { return !progress || progress(p.iteration, p.iterations); });
        plane = tsne.embedding;
        result.klDivergence = tsne.klDivergence;
        result.cancelled = tsne.cancelled;
    }
    plane = plane.to(torch::kFloat).contiguous();
    const auto xy = plane.accessor<float, 2>();
    for (std::int64_t i = 0; i < n; ++i) {
        result.x.push_back(xy[i][0]);
        result.y.push_back(xy[i][1]);
        result.rows.push_back(i);
        result.labels.push_back(d->label(i));
    }
    result.sampleShape = Shape(data.features.sizes().begin() + 1, data.features.sizes().end());
    result.images = d->images;
    if (d->images)
        result.thumbnails = toVector(raw.select(1, 0));
    return result;
}

QString TrainedModel::describe(const Layer& layer)
{
    QStringList dims;
    for (std::int64_t s : layer.shape)
        dims << QString::number(s);
    return QStringLiteral("%1 (%2, %3)")
        .arg(QString::fromStdString(layer.id), QString::fromStdString(layer.kind), dims.join(QChar(0x00d7)));
}

} // namespace neurino
