#include "core/train/Predictions.h"

#include "core/io/Hdf5.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <fstream>
#include <iomanip>
#include <sstream>

namespace neurino {

namespace {

// Predictions as h5py users expect them: float32 scores, int64 classes and targets.
at::Tensor plain(const torch::Tensor& t)
{
    return t.is_floating_point() ? t.to(torch::kFloat32) : t.to(torch::kInt64);
}

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void writeCsv(const std::string& path, const Predictions& p)
{
    const torch::Tensor scores = p.scores.to(torch::kCPU, torch::kFloat64).reshape({ p.scores.size(0), -1 });
    const std::int64_t n = scores.size(0), k = scores.size(1);
    std::ostringstream out;
    out << std::setprecision(9);
    for (std::int64_t j = 0; j < k; ++j) {
        const bool named = k > 1 && j < static_cast<std::int64_t>(p.classNames.size());
        out << (j ? "," : "") << (named ? "p_" + p.classNames[j] : "output_" + std::to_string(j));
    }
    if (p.predictedClass.defined())
        out << ",predicted_class";
    if (p.targets.defined())
        out << ",target";
    out << "\n";
    const torch::Tensor targets = p.targets.defined()
        ? p.targets.to(torch::kCPU, torch::kFloat64).reshape({ n, -1 })
        : torch::Tensor();
    const double* s = scores.contiguous().data_ptr<double>();
    for (std::int64_t i = 0; i < n; ++i) {
        for (std::int64_t j = 0; j < k; ++j)
            out << (j ? "," : "") << s[i * k + j];
        if (p.predictedClass.defined())
            out << "," << p.predictedClass[i].item<std::int64_t>();
        if (targets.defined())
            for (std::int64_t j = 0; j < targets.size(1); ++j)
                out << "," << targets[i][j].item<double>();
        out << "\n";
    }
    writeTextFileAtomically(path, out.str());
}

} // namespace

void writePredictions(const std::string& path, const Predictions& p)
{
    if (!p.scores.defined())
        throw IoError("cannot write '" + path + "': there are no predictions");
    if (endsWith(path, ".csv"))
        return writeCsv(path, p);
    writeFileAtomically(path, [&](const std::string& tmp) {
        auto held = hdf5::lock();
        try {
            H5::H5File file = hdf5::createFile(tmp);
            hdf5::writeTensor(file, "predictions", plain(p.scores));
            if (p.predictedClass.defined())
                hdf5::writeTensor(file, "predicted_class", plain(p.predictedClass));
            if (p.targets.defined())
                hdf5::writeTensor(file, "targets", plain(p.targets));
            H5::Group root = file.openGroup("/");
            hdf5::writeString(root, "format", "neurino-predictions");
            std::string names;
            for (const auto& n : p.classNames)
                names += (names.empty() ? "" : ",") + n;
            hdf5::writeString(root, "class_names", names);
            for (const auto& [key, value] : p.attributes)
                hdf5::writeString(root, key, value);
            hdf5::saveFile(file, tmp);
        } catch (const H5::Exception& e) {
            throw IoError(hdf5::writeFailure(path, "predictions", e));
        }
    });
}

} // namespace neurino
