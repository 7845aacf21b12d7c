// neurino-batch tsne | pca: 2-D embeddings of a dataset's inputs or of any layer's activations.
#include "app/batch/Commands.h"

#include "core/analysis/Pca.h"
#include "core/analysis/Tsne.h"
#include "core/data/DatasetFile.h"
#include "core/graph/Shape.h"
#include "core/run/DataSource.h"
#include "core/train/Checkpoint.h"
#include "core/train/Evaluator.h"
#include "core/util/Device.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

namespace neurino::batch {

namespace {

struct EmbedOptions {
    std::string data, features = "features", targets = "targets", checkpoint, layer, out, device = "auto";
    std::int64_t samples = 0; // 0: the method's default
    std::uint64_t seed = 42;
    std::int64_t components = 2;
    TsneOptions tsne;
};

// What gets embedded: the input rows, or a layer's activations for them, with the labels that colour them.
struct Points {
    Dataset source;
    torch::Tensor rows; // indices into the file, sorted
    torch::Tensor values;
    std::string what;
};

Points pointsFor(const EmbedOptions& o, std::int64_t defaultSamples)
{
    Points p;
    p.source = *openDataSource(DataSource::fromFile(o.data, o.features, o.targets), {});
    const std::int64_t n = p.source.size();
    const std::int64_t wanted = o.samples > 0 ? o.samples : defaultSamples;
    if (wanted > 0 && wanted < n) {
        // A seeded random subset, kept in file order so that row numbers stay easy to follow.
        torch::Generator gen = at::detail::createCPUGenerator(o.seed);
        p.rows = std::get<0>(torch::randperm(n, gen, torch::kLong).slice(0, 0, wanted).sort());
    } else {
        p.rows = torch::arange(n, torch::kLong);
    }
    const torch::Tensor x = p.source.features.index_select(0, p.rows);
    if (o.checkpoint.empty()) {
        if (!o.layer.empty())
            throw CLI::ValidationError("--layer needs --checkpoint: the layer's weights come from it");
        p.values = x.flatten(1).to(torch::kFloat);
        p.what = "inputs '" + o.features + "'";
        return p;
    }
    const Checkpoint checkpoint = loadCheckpoint(o.checkpoint);
    if (p.source.sampleShape() != checkpoint.data.sampleShape)
        throw DataError("'" + o.data + "' dataset '" + o.features + "' has sample shape "
            + formatShape(p.source.sampleShape()) + ", but the model was trained on "
            + formatShape(checkpoint.data.sampleShape) + "; name the right --features path");
    GraphModule module = moduleFromCheckpoint(checkpoint);
    const c10::Device device = selectDevice(o.device);
    module->to(device);
    const Standardizer* standardizer = checkpoint.standardizer.fitted() ? &checkpoint.standardizer : nullptr;
    p.values = predict(module, x, standardizer, device, 1024, o.layer).flatten(1);
    p.what = o.layer.empty() ? "model outputs" : "activations of layer '" + o.layer + "'";
    return p;
}

void writeEmbedding(const EmbedOptions& o, const Points& p, const torch::Tensor& embedding,
    const std::string& method, nlohmann::json settings)
{
    Dataset out;
    out.features = embedding.to(torch::kFloat).contiguous();
    if (p.source.targets.defined())
        out.targets = p.source.targets.index_select(0, p.rows);
    out.info.task = p.source.targets.defined() ? p.source.info.task : Task::Unlabelled;
    out.info.classNames = p.source.info.classNames;
    for (std::int64_t i = 0; i < embedding.size(1); ++i)
        out.info.featureNames.push_back(method + std::to_string(i + 1));
    out.info.origin = o.data;
    out.info.generator = method;
    out.info.seed = o.seed;
    settings["of"] = p.what;
    if (!o.checkpoint.empty())
        settings["checkpoint"] = o.checkpoint;
    out.info.optionsJson = settings.dump();
    // The file rows each point came from, to look the samples up again.
    out.extras["source_row"] = p.rows;
    writeDataset(o.out, out);
    std::cout << "wrote the " << method << " embedding of " << embedding.size(0) << " samples (" << p.what
              << ", " << p.values.size(1) << " dimensions) to " << o.out << std::endl;
}

void runTsne(const EmbedOptions& o)
{
    const Points p = pointsFor(o, 5000);
    TsneOptions options = o.tsne;
    options.seed = o.seed;
    const std::int64_t n = p.values.size(0);
    const TsneMethod method = resolveTsneMethod(options.method, n);
    const bool approximate
        = resolveNeighbourSearch(options.neighbours, n) == TsneNeighbourSearch::Approximate;
    std::printf("t-SNE of %lld samples of %s, perplexity %g, %d iterations, %s repulsion, %s neighbours\n",
        static_cast<long long>(n), p.what.c_str(), options.perplexity, options.iterations,
        method == TsneMethod::Fft ? "FFT-interpolated" : "Barnes-Hut", approximate ? "approximate" : "exact");
    const TsneResult r = neurino::runTsne(p.values, options, [](const TsneProgress& s) {
        std::printf("  iteration %4d/%d  KL %.4f\n", s.iteration, s.iterations, s.klDivergence);
        std::fflush(stdout);
        return true;
    });
    std::printf("final KL divergence %.4f\n", r.klDivergence);
    writeEmbedding(o, p, r.embedding, "tsne",
        { { "perplexity", options.perplexity }, { "iterations", r.iterations },
            { "method", tsneMethodName(r.method) }, { "approximate_neighbours", r.approximateNeighbours },
            { "theta", options.theta }, { "kl_divergence", r.klDivergence } });
}

void runPca(const EmbedOptions& o)
{
    const Points p = pointsFor(o, 0);
    const Pca pca(p.values, o.components);
    const torch::Tensor ratio = pca.explainedVarianceRatio().to(torch::kDouble);
    std::vector<double> ratios(ratio.data_ptr<double>(), ratio.data_ptr<double>() + ratio.numel());
    std::cout << "explained variance:";
    for (std::size_t i = 0; i < ratios.size(); ++i)
        std::printf(" PC%zu %.1f %%", i + 1, 100 * ratios[i]);
    std::cout << std::endl;
    writeEmbedding(o, p, pca.transform(p.values), "pca", { { "explained_variance_ratio", ratios } });
}

void addCommonOptions(CLI::App* cmd, EmbedOptions& o, const std::string& samplesHelp)
{
    cmd->add_option("--data,-d", o.data, "Dataset file (HDF5)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--features", o.features, "HDF5 path of the inputs")->capture_default_str();
    cmd->add_option("--targets", o.targets, "HDF5 path of the labels that colour the points (empty: none)")
        ->capture_default_str();
    cmd->add_option("--checkpoint,-c", o.checkpoint, "Embed a trained model's activations (checkpoint .h5)")
        ->check(CLI::ExistingFile);
    cmd->add_option(
        "--layer", o.layer, "Node (name or id) whose activations are embedded; default: the output");
    cmd->add_option("--samples", o.samples, samplesHelp)->check(CLI::NonNegativeNumber);
    cmd->add_option("--seed", o.seed, "Seed of the subset and of t-SNE")->capture_default_str();
    cmd->add_option("--device", o.device, "Device for the model: auto, cpu, cuda or cuda:N")
        ->capture_default_str();
    cmd->add_option("--out,-o", o.out, "Output HDF5: features = the embedding, targets = the labels")
        ->required();
}

} // namespace

void addEmbedCommands(CLI::App& app, int& exitCode)
{
    auto t = std::make_shared<EmbedOptions>();
    CLI::App* tsne = app.add_subcommand("tsne", "t-SNE of a dataset's inputs or of a layer's activations");
    addCommonOptions(tsne, *t, "Random subset to embed (0: 5000)");
    tsne->add_option("--perplexity", t->tsne.perplexity, "Effective number of neighbours")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 1000.0));
    tsne->add_option("--iterations", t->tsne.iterations, "Gradient steps")
        ->capture_default_str()
        ->check(CLI::Range(251, 100000));
    tsne->add_option("--theta", t->tsne.theta, "Barnes-Hut accuracy (0: exact)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    const std::map<std::string, TsneMethod> methods { { "auto", TsneMethod::Auto },
        { "barnes_hut", TsneMethod::BarnesHut }, { "fft", TsneMethod::Fft } };
    tsne->add_option("--method", t->tsne.method,
            "Repulsion: barnes_hut, fft (FIt-SNE's interpolation, for large data) or auto (fft from "
                + std::to_string(kTsneFftFromPoints) + " samples)")
        ->transform(CLI::CheckedTransformer(methods, CLI::ignore_case))
        ->default_str("auto");
    const std::map<std::string, TsneNeighbourSearch> searches { { "auto", TsneNeighbourSearch::Auto },
        { "exact", TsneNeighbourSearch::Exact }, { "approximate", TsneNeighbourSearch::Approximate } };
    tsne->add_option("--neighbours", t->tsne.neighbours,
            "Nearest-neighbour search for the affinities: exact, approximate or auto (approximate above "
                + std::to_string(kTsneExactNeighboursUpTo) + " samples)")
        ->transform(CLI::CheckedTransformer(searches, CLI::ignore_case))
        ->default_str("auto");
    tsne->callback([t, &exitCode] {
        runTsne(*t);
        exitCode = 0;
    });

    auto p = std::make_shared<EmbedOptions>();
    CLI::App* pca
        = app.add_subcommand("pca", "Principal components of a dataset's inputs or of a layer's activations");
    addCommonOptions(pca, *p, "Random subset to project (0: all)");
    pca->add_option("--components", p->components, "Principal components kept")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    pca->callback([p, &exitCode] {
        runPca(*p);
        exitCode = 0;
    });
}

} // namespace neurino::batch
