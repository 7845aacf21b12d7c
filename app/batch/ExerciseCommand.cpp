#include "app/batch/Commands.h"

#include "app/batch/ProgressPrinter.h"
#include "core/graph/ModelJson.h"
#include "core/util/Error.h"
#include "core/util/Seed.h"
#include "exercises/ExerciseCatalog.h"
#include "exercises/ExerciseError.h"
#include "exercises/ExerciseSession.h"
#include "exercises/Leaderboard.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <unistd.h>

namespace neurino::batch {

namespace {

using namespace neurino::exercises;
using nlohmann::json;
namespace fs = std::filesystem;

struct ExerciseArgs {
    std::string name;
    bool solution = false;
    bool quick = false;
    std::int64_t events = 0;
    std::uint64_t seed = kDefaultSeed;
    int threads = 0;
    bool json = false;
    std::string model;
    std::string checkpoint;
    std::string student;
    bool noLeaderboard = false;
};

// Prints the lesson's progress: steps and commentary as plain lines, training as a progress bar on a
// terminal and one line per epoch otherwise (a long lesson in a log or under CI shows it is alive). With
// --json the lines go to stderr so that stdout holds the JSON document only.
class ConsoleObserver : public ExerciseObserver {
public:
    explicit ConsoleObserver(std::ostream& out)
        : m_out(out)
        , m_progress(std::cerr, ::isatty(STDERR_FILENO) != 0)
    {
    }
    void onStepStarted(const Step& step, int index, int count) override
    {
        m_out << "[" << index + 1 << "/" << count << "] " << step.title << std::endl;
    }
    void onMessage(const std::string& line) override
    {
        std::string indented = "      ";
        for (char c : line) {
            indented += c;
            if (c == '\n')
                indented += "      ";
        }
        m_out << indented << std::endl;
    }
    void onCheck(const CheckResult& result) override
    {
        m_out << "      " << result.reportLine() << std::endl;
    }
    void onObservation(const std::string& name, double value) override
    {
        char text[64];
        std::snprintf(text, sizeof text, "%.5g", value);
        m_out << "      " << name << ": " << text << std::endl;
    }
    TrainingObserver* trainingObserver() override { return &m_progress; }

private:
    std::ostream& m_out;
    ProgressPrinter m_progress;
};

json number(const std::optional<double>& value)
{
    if (!value || !std::isfinite(*value))
        return value ? json(std::to_string(*value)) : json(nullptr);
    return *value;
}

json checksJson(const std::vector<CheckResult>& results)
{
    json checks = json::array();
    for (const auto& r : results) {
        json c = { { "id", r.check.id }, { "name", r.check.name }, { "value", number(r.value) },
            { "comparison", comparisonName(r.check.comparison) }, { "target", r.check.target },
            { "status", r.status() }, { "task", r.check.task } };
        if (r.check.comparison == Comparison::Between)
            c["upper"] = r.check.upper;
        checks.push_back(c);
    }
    return checks;
}

RunOptions runOptions(const ExerciseArgs& args)
{
    RunOptions options;
    options.solution = args.solution;
    options.reduced = args.quick;
    options.events = args.events;
    options.seed = args.seed;
    options.threads = args.threads;
    return options;
}

void checkAvailable(const std::string& id)
{
    const std::string why = ExerciseCatalog::instance().unavailableReason(id);
    if (!why.empty())
        throw ExerciseError("exercise '" + id + "' cannot run here: " + why);
}

void printResults(std::ostream& out, const std::vector<CheckResult>& results)
{
    int failed = 0;
    for (const auto& r : results) {
        out << r.reportLine() << "\n";
        failed += r.measured() && r.passed ? 0 : 1;
    }
    if (failed == 0)
        out << "all " << results.size() << " checks passed\n";
    else
        out << failed << " of " << results.size() << " checks did not pass\n";
}

void runList(bool asJson)
{
    const auto& catalog = ExerciseCatalog::instance();
    json list = json::array();
    for (const auto& id : catalog.ids()) {
        const Exercise& e = catalog.exercise(id);
        const std::string why = catalog.unavailableReason(id);
        if (asJson) {
            list.push_back({ { "id", id }, { "number", e.number }, { "title", e.title },
                { "summary", e.summary }, { "steps", e.steps.size() }, { "checks", e.checks.size() },
                { "available", why.empty() } });
            continue;
        }
        std::cout << e.number << "  " << id << std::string(id.size() < 18 ? 18 - id.size() : 1, ' ')
                  << e.title << "\n   " << std::string(18, ' ') << e.summary << " (" << e.steps.size()
                  << " steps, " << e.checks.size() << " checks)"
                  << (why.empty() ? "" : "\n" + std::string(21, ' ') + "not available: " + why) << "\n";
    }
    if (asJson)
        std::cout << list.dump(2) << "\n";
}

void runExercise(const ExerciseArgs& args, int& exitCode)
{
    checkAvailable(args.name);
    std::ostream& log = args.json ? std::cerr : std::cout;
    ConsoleObserver observer(log);
    ExerciseSession session(ExerciseCatalog::instance().createLesson(args.name), runOptions(args), &observer);
    log << session.exercise().title << (args.solution ? " (reference solution)" : " (starting models)")
        << std::endl;
    const auto start = std::chrono::steady_clock::now();
    session.runAll();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto results = session.results();
    const bool passed = ExerciseSession::allPassed(results);
    if (args.json) {
        json observations = json::object();
        for (const auto& [name, value] : session.observations())
            observations[name] = number(value);
        std::cout << json {
            { "exercise", args.name }, { "solution", args.solution }, { "passed", passed },
            { "seconds", seconds }, { "checks", checksJson(results) }, { "observations", observations }
        }.dump(2) << "\n";
    } else {
        std::cout << "\n";
        printResults(std::cout, results);
        std::printf("wall time %.1f s\n", seconds);
    }
    if (!passed)
        exitCode = 1;
}

struct GradeRow {
    std::string student;
    std::string model;
    std::int64_t parameters = 0;
    std::vector<CheckResult> results;
    std::string error;
    bool passed() const { return error.empty() && ExerciseSession::allPassed(results); }
};

GradeRow gradeOne(const ExerciseArgs& args, const std::string& student, const std::string& modelPath,
    const std::string& checkpoint, ConsoleObserver& observer)
{
    GradeRow row;
    row.student = student;
    row.model = fs::path(modelPath).filename().string();
    try {
        row.parameters = loadModel(modelPath).parameterCount().total();
        RunOptions options = runOptions(args);
        options.taskModelPath = modelPath;
        options.taskCheckpointPath = checkpoint;
        ExerciseSession session(ExerciseCatalog::instance().createLesson(args.name), options, &observer);
        session.runTaskSteps();
        row.results = session.taskResults();
    } catch (const Error& e) {
        row.error = e.what();
    }
    return row;
}

void recordOnLeaderboard(const ExerciseArgs& args, const std::vector<GradeRow>& rows, std::ostream& log)
{
    const Exercise& exercise = ExerciseCatalog::instance().exercise(args.name);
    if (args.noLeaderboard || exercise.scoreCheck.empty())
        return;
    Leaderboard board = Leaderboard::load(args.name);
    for (const auto& row : rows) {
        for (const auto& r : row.results) {
            if (r.check.id != exercise.scoreCheck || !r.measured() || !std::isfinite(*r.value))
                continue;
            board.add({ row.student, row.model, row.parameters, *r.value, currentIsoDate() });
        }
    }
    board.save();
    log << "leaderboard " << board.path() << ":\n" << board.toString();
}

void printGradeTable(const std::vector<GradeRow>& rows, std::ostream& out)
{
    out << "\nstudent              model                        parameters  result  checks\n";
    for (const auto& row : rows) {
        char head[160];
        std::snprintf(head, sizeof head, "%-20s %-28s %10lld  %-6s  ", row.student.c_str(), row.model.c_str(),
            static_cast<long long>(row.parameters), row.passed() ? "PASS" : "FAIL");
        out << head;
        if (!row.error.empty()) {
            out << "error: " << row.error << "\n";
            continue;
        }
        std::string cells;
        for (const auto& r : row.results) {
            char cell[96];
            std::snprintf(cell, sizeof cell, "%s%s=%s(%s)", cells.empty() ? "" : ", ", r.check.id.c_str(),
                r.measured() ? std::to_string(*r.value).c_str() : "-", r.status().c_str());
            cells += cell;
        }
        out << cells << "\n";
    }
}

void runGrade(const ExerciseArgs& args, int& exitCode)
{
    checkAvailable(args.name);
    std::ostream& log = args.json ? std::cerr : std::cout;
    ConsoleObserver observer(log);
    std::vector<GradeRow> rows;
    if (fs::is_directory(args.model)) {
        if (!args.checkpoint.empty())
            throw CLI::ValidationError(
                "--checkpoint", "give checkpoints beside the models (NAME.h5) for a folder");
        std::vector<fs::path> models;
        for (const auto& entry : fs::directory_iterator(args.model)) {
            const std::string file = entry.path().filename().string();
            const std::string suffix = ".neurino.json";
            if (file.size() > suffix.size()
                && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0)
                models.push_back(entry.path());
        }
        std::sort(models.begin(), models.end());
        if (models.empty())
            throw ExerciseError("folder '" + args.model + "' holds no *.neurino.json submissions");
        for (const auto& path : models) {
            const std::string file = path.filename().string();
            const std::string stem = file.substr(0, file.size() - std::string(".neurino.json").size());
            const fs::path checkpoint = path.parent_path() / (stem + ".h5");
            log << "== " << stem << std::endl;
            rows.push_back(gradeOne(args, stem, path.string(),
                fs::exists(checkpoint) ? checkpoint.string() : std::string(), observer));
        }
    } else {
        const std::string file = fs::path(args.model).filename().string();
        const std::string stem = file.substr(0, file.find('.'));
        rows.push_back(gradeOne(
            args, args.student.empty() ? stem : args.student, args.model, args.checkpoint, observer));
        if (!rows.back().error.empty())
            throw ExerciseError(rows.back().error);
    }

    bool allPassed = true;
    for (const auto& row : rows)
        allPassed = allPassed && row.passed();
    if (args.json) {
        json out = json::array();
        for (const auto& row : rows)
            out.push_back({ { "student", row.student }, { "model", row.model },
                { "parameters", row.parameters }, { "passed", row.passed() }, { "error", row.error },
                { "checks", checksJson(row.results) } });
        std::cout << json { { "exercise", args.name }, { "submissions", out } }.dump(2) << "\n";
    } else if (rows.size() == 1) {
        std::cout << "\n"
                  << rows.front().student << " (" << rows.front().model << ", " << rows.front().parameters
                  << " parameters):\n";
        printResults(std::cout, rows.front().results);
    } else {
        printGradeTable(rows, std::cout);
    }
    recordOnLeaderboard(args, rows, log);
    if (!allPassed)
        exitCode = 1;
}

void addCommonOptions(CLI::App* cmd, ExerciseArgs& args)
{
    cmd->add_option("--events,-n", args.events, "Events of the lesson's main dataset (default: the lesson's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--quick", args.quick, "Small data and few epochs (a smoke test: checks may fail)");
    cmd->add_option("--seed,-s", args.seed, "Seed of data, splits and training");
    cmd->add_option("--threads,-j", args.threads,
           "CPU threads (auto, the default: the fastest count, timed on each model at the start)")
        ->transform([](std::string text) { return text == "auto" ? std::string("0") : text; })
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", args.json, "Print the results as JSON on stdout (progress goes to stderr)");
}

} // namespace

void addExerciseCommand(CLI::App& app, int& exitCode)
{
    CLI::App* exercise
        = app.add_subcommand("exercise", "The guided lessons: list them, run them, grade models");
    exercise->require_subcommand(1);

    auto listJson = std::make_shared<bool>(false);
    CLI::App* list = exercise->add_subcommand("list", "List the lessons");
    list->add_flag("--json", *listJson, "As JSON");
    list->callback([listJson] { runList(*listJson); });

    auto runArgs = std::make_shared<ExerciseArgs>();
    CLI::App* run = exercise->add_subcommand("run",
        "Run a lesson's steps and print every check as PASS/FAIL with its value and target; exit 0 only when "
        "all pass");
    run->add_option("name", runArgs->name, "Lesson id (see 'exercise list')")->required();
    run->add_flag(
        "--solution", runArgs->solution, "Use the reference solution's models, not the starting ones");
    addCommonOptions(run, *runArgs);
    run->callback([runArgs, &exitCode] { runExercise(*runArgs, exitCode); });

    auto gradeArgs = std::make_shared<ExerciseArgs>();
    CLI::App* grade = exercise->add_subcommand("grade",
        "Run a lesson's checks on a student's model (trained here unless a checkpoint is given); a folder of "
        "submissions (NAME.neurino.json, optionally NAME.h5) gives one table. Scores go to the leaderboard");
    grade->add_option("name", gradeArgs->name, "Lesson id (see 'exercise list')")->required();
    grade->add_option("--model,-m", gradeArgs->model, "Student's model (*.neurino.json) or a folder of them")
        ->required()
        ->check(CLI::ExistingPath);
    grade
        ->add_option(
            "--checkpoint,-c", gradeArgs->checkpoint, "Trained weights of the model (HDF5 checkpoint)")
        ->check(CLI::ExistingFile);
    grade->add_option("--student", gradeArgs->student, "Name on the leaderboard (default: the file's name)");
    grade->add_flag("--no-leaderboard", gradeArgs->noLeaderboard, "Do not record the score");
    addCommonOptions(grade, *gradeArgs);
    grade->callback([gradeArgs, &exitCode] { runGrade(*gradeArgs, exitCode); });

    auto boardName = std::make_shared<std::string>();
    CLI::App* board = exercise->add_subcommand("leaderboard", "Print a lesson's local leaderboard");
    board->add_option("name", *boardName, "Lesson id")->required();
    board->callback([boardName] {
        ExerciseCatalog::instance().exercise(*boardName);
        const Leaderboard lb = Leaderboard::load(*boardName);
        std::cout << lb.path() << "\n" << lb.toString();
    });
}

} // namespace neurino::batch
