#pragma once

#include "core/analysis/ImportanceReport.h"
#include "core/analysis/Inspection.h"

#include <QMetaType>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

// Plain values for the views that look inside a network (kernels, feature maps, misclassified samples,
// parameter histograms, embeddings). Made on the training thread or a job thread, shown on the window's.
namespace neurino {

// The kernels of every convolution layer after an epoch.
struct KernelsData {
    std::vector<KernelSet> layers;
    int epoch = 0;

    bool empty() const { return layers.empty(); }
};

// Weight and gradient histograms of every parameter tensor after an epoch; the gradients are those of the
// epoch's last batch.
struct HistogramsData {
    std::vector<ParameterHistogram> parameters;
    int epoch = 0;

    bool empty() const { return parameters.empty(); }
};

// The held-out samples a classifier gets wrong, with their pixels (image data) or features (otherwise).
struct MisclassifiedData {
    std::vector<Misclassification> items; // at most a few thousand, in the order evaluated
    std::int64_t evaluated = 0; // samples looked at
    std::int64_t total = 0; // misclassified in all (items may hold fewer)
    Shape sampleShape; // (C, H, W) for images, (D) for features
    bool images = false;
    std::vector<float> values; // items.size() samples of sampleShape, as in the data (not standardised)
    std::vector<std::string> classNames;
    std::vector<std::string> featureNames;
    QString part; // "test", "validation", "training"

    bool empty() const { return evaluated == 0; }
    std::int64_t sampleVolume() const { return shapeVolume(sampleShape); }
    QString className(int index) const;
};

// Every layer's output for one sample.
struct FeatureMapData {
    int sample = -1; // index among the samples offered (the held-out part)
    std::int64_t row = 0; // in the dataset
    int truth = -1; // -1: no class
    int predicted = -1;
    float probability = 0; // of the predicted class
    std::vector<LayerActivation> layers; // the Input first
    std::vector<std::string> classNames;

    bool empty() const { return layers.empty(); }
};

// Samples projected to a plane by PCA or t-SNE, with their classes.
struct EmbeddingData {
    QString method; // "PCA" or "t-SNE"
    std::string node; // whose activations; the Input node for the inputs
    QString nodeText; // "conv2d_2 (Conv2D, 32x16x16)"
    std::vector<float> x, y;
    std::vector<int> labels; // -1 without classes
    std::vector<std::int64_t> rows;
    std::vector<std::string> classNames;
    double explained[2] = { 0, 0 }; // PCA: fraction of the variance along each axis
    double klDivergence = 0; // t-SNE
    bool cancelled = false;
    Shape sampleShape; // of the inputs
    bool images = false;
    std::vector<float> thumbnails; // images only: each sample's first channel, as in the data

    bool empty() const { return x.empty(); }
    int size() const { return static_cast<int>(x.size()); }
};

// What a classifier looks at. For image data, one held-out sample (its first channel as in the data) with
// the gradient and occlusion maps for one class; for tabular data, every feature's importance over the
// held-out samples.
struct ImportanceData {
    bool images = false;
    std::vector<std::string> classNames;
    // Images.
    int sample = -1; // among the samples offered (the held-out part)
    std::int64_t row = 0; // in the dataset
    int truth = -1;
    std::vector<float> image;
    ImageImportance maps;
    // Tabular data.
    FeatureImportance features;
    bool empty() const { return image.empty() && features.gradientTimesInput.empty(); }
};

} // namespace neurino

Q_DECLARE_METATYPE(neurino::KernelsData)
Q_DECLARE_METATYPE(neurino::HistogramsData)
