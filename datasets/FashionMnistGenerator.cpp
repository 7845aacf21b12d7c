// EXERCISES.md section 5: the real Fashion-MNIST images, read from Debian's dataset-fashion-mnist package.

#include "datasets/Generators.h"

#include "core/io/IdxReader.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <filesystem>

namespace neurino::datasets {

namespace {

// Where Debian's dataset-fashion-mnist package installs the IDX files.
constexpr const char* kDebianDir = "/usr/share/datasets/fashion-mnist";
// Image side in pixels.
constexpr std::int64_t kSide = 28;

// The IDX file of a split, plain or gzip-compressed, or an empty string when neither exists.
std::string findFile(const std::string& dir, const std::string& stem)
{
    for (const std::string& name : { stem + ".gz", stem }) {
        const std::string path = dir + "/" + name;
        std::error_code ec;
        if (std::filesystem::is_regular_file(path, ec))
            return path;
    }
    return {};
}

class FashionMnistGenerator : public Generator {
public:
    std::string name() const override { return "fashion_mnist"; }
    std::string description() const override
    {
        return "the real Fashion-MNIST images (28x28, 10 classes) from Debian's dataset-fashion-mnist "
               "package";
    }
    std::int64_t defaultEvents() const override { return 0; }
    std::int64_t bytesPerEvent(const GeneratorOptions&) const override { return kSide * kSide * 4 + 8; }
    ParamSchema options() const override
    {
        return {
            choiceParam("split", "train", { "train", "test" }, "the 60,000 training or 10,000 test images"),
            textParam("dir", kDebianDir, "folder holding the IDX files (train-images-idx3-ubyte[.gz], ...)")
        };
    }
    // The whole split unless fewer events are asked for; the seed does not matter, the data is real.
    std::int64_t fixedEvents(const GeneratorOptions&) const override { return 0; }
    std::int64_t maxEvents() const override { return 60000; }

    Dataset generate(const GeneratorOptions& options, std::int64_t events, std::uint64_t,
        const GenerateControl& control) const override
    {
        const std::string dir = options.text("dir");
        const std::string prefix = options.text("split") == "train" ? "train" : "t10k";
        const std::string imagesPath = findFile(dir, prefix + "-images-idx3-ubyte");
        const std::string labelsPath = findFile(dir, prefix + "-labels-idx1-ubyte");
        if (imagesPath.empty() || labelsPath.empty())
            throw DataError("the Fashion-MNIST files (" + prefix + "-images-idx3-ubyte.gz, " + prefix
                + "-labels-idx1-ubyte.gz) are not in '" + dir
                + "'; install Debian's package with "
                  "'sudo apt-get install dataset-fashion-mnist' (scripts/neurino setup does it) or "
                  "set the option dir to the folder that holds them");
        const std::int64_t limit = events > 0 ? events : -1;
        torch::Tensor images = IdxReader::read(imagesPath, limit);
        torch::Tensor labels = IdxReader::read(labelsPath, limit);
        if (images.dim() != 3 || images.size(1) != kSide || images.size(2) != kSide)
            throw DataError("'" + imagesPath + "' holds images of shape " + c10::str(images.sizes())
                + "; Fashion-MNIST images are 28x28");
        if (labels.dim() != 1 || labels.size(0) != images.size(0))
            throw DataError("'" + labelsPath + "' has " + std::to_string(labels.size(0)) + " labels for "
                + std::to_string(images.size(0)) + " images in '" + imagesPath + "'");
        if (events > images.size(0))
            throw DataError("the Fashion-MNIST " + options.text("split") + " split has "
                + std::to_string(images.size(0)) + " images, fewer than the " + std::to_string(events)
                + " asked for");
        if (control.progress)
            control.progress(images.size(0), images.size(0));

        Dataset data;
        data.features = images.to(torch::kFloat32).div_(255.0f).unsqueeze(1).contiguous();
        data.targets = labels.to(torch::kInt64);
        data.info.task = Task::Classification;
        data.info.classNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle boot" };
        return data;
    }
};

} // namespace

std::unique_ptr<Generator> makeFashionMnistGenerator()
{
    return std::make_unique<FashionMnistGenerator>();
}

} // namespace neurino::datasets
