#pragma once

#include "exercises/Check.h"
#include "exercises/Lesson.h"
#include "exercises/Step.h"

#include <string>

namespace neurino {
class Trainer;
class TrainingObserver;
} // namespace neurino

namespace neurino::exercises {

// Receives a session's progress, on the thread that runs it (a GUI queues it to its own thread).
// Every method has an empty default.
class ExerciseObserver {
public:
    virtual ~ExerciseObserver() = default;
    virtual void onStepStarted(const Step& step, int index, int count) { }
    // A line of the lesson's commentary: "training 'shapes_dense' on 6400 images".
    virtual void onMessage(const std::string& line) { }
    // A check got its value.
    virtual void onCheck(const CheckResult& result) { }
    // A number worth showing that is not a check (e.g. the AUC under a shifted jet energy scale).
    virtual void onObservation(const std::string& name, double value) { }
    // A model was scored on held-out samples.
    virtual void onEvaluation(const ModelEvaluation& evaluation) { }
    // What a model looks at (importance maps or feature importance).
    virtual void onImportance(const ModelImportance& importance) { }
    virtual void onStepFinished(const Step& step, int index) { }
    // Receives the progress of every training run a step makes; null for none.
    virtual TrainingObserver* trainingObserver() { return nullptr; }
    // A step's trainer, prepared and about to train, for an observer that looks inside the model while it
    // trains (a decision boundary drawn after each epoch). Called on the thread that trains; the trainer
    // lives until that run's TrainingObserver::onFinished.
    virtual void onTrainer(Trainer& trainer) { }
};

} // namespace neurino::exercises
