#pragma once

#include "exercises/Exercise.h"
#include "exercises/Lesson.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace neurino::exercises {

// The course: every lesson Neurino ships, in teaching order (first_steps, shapes, higgs, calorimeter_gan,
// tpc_krypton, fashion_mnist).
class ExerciseCatalog {
public:
    static const ExerciseCatalog& instance();

    std::vector<std::string> ids() const;
    bool contains(const std::string& id) const;
    // Throws ExerciseError listing the known ids when there is none of that id.
    const Exercise& exercise(const std::string& id) const;
    // A fresh lesson (its own state) for a session.
    std::unique_ptr<Lesson> createLesson(const std::string& id) const;
    // Why the lesson cannot run on this machine; empty when it can.
    std::string unavailableReason(const std::string& id) const;

private:
    ExerciseCatalog();
    struct Entry {
        std::function<std::unique_ptr<Lesson>()> make;
        std::unique_ptr<Lesson> prototype; // holds the definition
    };
    const Entry& entry(const std::string& id) const;
    std::vector<Entry> m_entries;
};

} // namespace neurino::exercises
