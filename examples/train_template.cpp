// Neurino as a library: load a model template, generate seeded data, train it and judge it on held-out
// events. Built against an installed neurino-dev: see CMakeLists.txt beside it.
#include "core/graph/ModelJson.h"
#include "core/run/Run.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"
#include "datasets/Catalog.h"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv)
{
    using namespace neurino;
    const long long events = argc > 1 ? std::atoll(argv[1]) : 2000;
    try {
        RunSpec spec;
        spec.model = loadModel(templatePath("xor_mlp")); // from the installed templates
        std::printf("%s\n", spec.model.summary().c_str());
        spec.data = DataSource::fromGenerator("xor", {}, events, /*seed=*/7);
        spec.training.optimizer.name = "sgd";
        spec.training.optimizer.learningRate = 0.5;
        spec.training.epochs = 30;
        spec.training.threads = 1; // a tiny network: more threads only add overhead
        spec.training.testSplit = 0.2;

        Run run(spec, datasets::Catalog::instance().generatorFn());
        const TrainSummary trained = run.execute();
        const auto report = run.report(); // on the held-out events
        if (trained.reason != StopReason::Completed || !report)
            throw Error("training did not complete: " + trained.message);
        std::printf("%d epochs in %.1f s; %s accuracy %.3f, AUC %.3f on %lld events\n",
            trained.epochsCompleted, trained.seconds, report->part.c_str(), report->accuracy, report->auc,
            static_cast<long long>(report->samples));
        return report->accuracy > 0.9 ? EXIT_SUCCESS : EXIT_FAILURE;
    } catch (const Error& e) {
        std::fprintf(stderr, "train_template: %s\n", e.what());
        return EXIT_FAILURE;
    }
}
