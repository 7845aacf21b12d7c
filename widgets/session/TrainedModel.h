#pragma once

#include "widgets/session/InspectionTypes.h"

#include <QMetaType>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace neurino {

class Trainer;

// A copy of a trained model (on the CPU) with the data it was trained on, kept after the run for the
// views that ask it questions: every layer's output for a chosen sample, and any layer's activations
// projected by PCA or t-SNE. Answers in plain values. Safe to use from several threads (one question at a
// time); share it as std::shared_ptr<const TrainedModel>. Only TrainedModel.cpp includes LibTorch.
class TrainedModel {
public:
    struct Layer {
        std::string id;
        std::string kind;
        Shape shape;
    };
    enum class Method { Pca, Tsne };
    // Called from the computing thread with (done, total); returning false cancels.
    using Progress = std::function<bool(int done, int total)>;

    // Copies the trainer's weights, standardizer, data and split (call on the trainer's thread).
    static std::shared_ptr<const TrainedModel> fromTrainer(Trainer& trainer);
    ~TrainedModel();

    const std::string& modelName() const;
    // Every node but the Output, in topological order, with its output shape.
    const std::vector<Layer>& layers() const;
    const std::vector<std::string>& classNames() const;
    bool hasImages() const;

    // The samples the feature maps are offered for: the held-out part ("test" or "validation"), else the
    // training part.
    int sampleCount() const;
    QString samplePart() const;
    // The class of offered sample `sample`, -1 without classes.
    int sampleLabel(int sample) const;
    FeatureMapData featureMaps(int sample) const;
    // What the model looks at (ImportanceData): for image data, offered sample `sample` and class
    // `classIndex` (-1: the class it predicts); for tabular data, class `classIndex` (-1: the first) over
    // the first `maxSamples` offered samples. Empty for other data.
    ImportanceData importance(int sample, int classIndex, int maxSamples = 2000) const;

    // The first `maxSamples` samples of the data (in the data's order) through `node` (id; empty: the
    // inputs), projected to two dimensions. t-SNE first reduces many-dimensional activations to 50 with
    // PCA, as is usual; it reports progress and may be cancelled (the result says so).
    EmbeddingData embedding(
        const std::string& node, Method method, int maxSamples, const Progress& progress = {}) const;

    // "conv2d_2 (Conv2D, 32x16x16)".
    static QString describe(const Layer& layer);

private:
    TrainedModel();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace neurino

Q_DECLARE_METATYPE(std::shared_ptr<const neurino::TrainedModel>)
