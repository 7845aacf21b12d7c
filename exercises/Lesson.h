#pragma once

#include "core/analysis/ImportanceReport.h"
#include "core/eval/EnergyResolution.h"
#include "core/run/ClassifierReport.h"
#include "core/util/Seed.h"
#include "exercises/Exercise.h"
#include "exercises/MonitoringRuns.h"
#include "exercises/PadMap.h"
#include "exercises/PivotFigure.h"

#include <cstdint>
#include <string>
#include <vector>

namespace neurino {
class Trainer;
class TrainingObserver;
class StopToken;
} // namespace neurino

namespace neurino::exercises {

// How a session runs a lesson.
struct RunOptions {
    bool solution = false; // the task model is the reference solution's rather than the starting one
    bool reduced = false; // small data and few epochs (tests, CI): checks may then fail
    std::int64_t events = 0; // overrides the main dataset's size; 0: the lesson's (or reduced) size
    std::uint64_t seed = kDefaultSeed;
    int threads
        = 0; // CPU threads for LibTorch; 0: auto (TrainConfig::threads), every usable core for the GAN
    std::string taskModelPath; // a student's model file, replacing the task model (grading)
    std::string taskCheckpointPath; // its trained weights: evaluated as they are, not trained
};

// A classifier a lesson trained or loaded, judged on held-out samples, as plain numbers for a GUI to draw
// beside the step.
struct ModelEvaluation {
    std::string label; // "'higgs_deep', all features"
    ClassifierReport report;
};

// What a model a lesson trained looks at, for a GUI to draw beside the step: every feature's importance
// (tabular data), or one test image with its gradient and occlusion maps (image data).
struct ModelImportance {
    std::string label; // "'higgs_deep', low-level features"
    std::vector<std::string> classNames;
    FeatureImportance features;
    std::vector<float> image; // the image's first channel, as in the data; empty for tabular data
    int truth = -1;
    ImageImportance maps;
};

// What a lesson's step code reports to and reads from its session.
class LessonContext {
public:
    virtual ~LessonContext() = default;
    virtual const RunOptions& options() const = 0;
    // Gives check `checkId` its measured value; throws ExerciseError for an unknown id.
    virtual void record(const std::string& checkId, double value) = 0;
    virtual void observe(const std::string& name, double value) = 0;
    virtual void log(const std::string& line) = 0;
    virtual void evaluated(const ModelEvaluation& evaluation) = 0;
    virtual void explained(const ModelImportance& importance) { }
    virtual TrainingObserver* trainingObserver() = 0; // may be null
    // The trainer of a run about to train (see ExerciseObserver::onTrainer).
    virtual void trainerReady(Trainer& trainer) { }
    virtual const StopToken* stopToken() const = 0;
};

// A lesson's reference solution: code that performs each step's action on the lesson's data and models
// and measures its checks. It keeps what steps produce (data, trained models) for the later steps.
class Lesson {
public:
    virtual ~Lesson() = default;
    virtual const Exercise& exercise() const = 0;
    // Why the lesson cannot run here (e.g. its data set is not installed); empty when it can.
    virtual std::string unavailableReason() const { return {}; }
    // Performs `step` (one of exercise().steps), after the steps before it.
    virtual void runStep(const Step& step, LessonContext& context) = 0;
    // The read-out plane of a TPC lesson, filled by its data step (eye-scan, truth) and its prediction step;
    // null for lessons without one. Read it only between steps, on the thread that runs them.
    virtual const PadMap* padMap() const { return nullptr; }
    // The resolution and bias against the true energy of an energy-regression lesson, one curve per method
    // measured so far; empty for other lessons. Between steps only, as padMap.
    virtual std::vector<ResolutionCurve> resolutionCurves() const { return {}; }
    // The held-out runs of a data-quality lesson, filled by its data step and its scoring step; null for
    // lessons without them. Read it only between steps, on the thread that runs them.
    virtual const MonitoringRuns* monitoringRuns() const { return nullptr; }
    // The classifier's output at the nuisance values of a pivot lesson, one panel per classifier trained so
    // far; null for lessons without one. Between steps only, as padMap.
    virtual const PivotFigure* pivotFigure() const { return nullptr; }
};

} // namespace neurino::exercises
