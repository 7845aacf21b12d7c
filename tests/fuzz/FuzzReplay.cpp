// Runs files through a fuzz harness without libFuzzer: the regression test of every corpus, built by the
// normal build (gcc or clang, no sanitizers needed).
//   neurino_fuzz_replay --target NAME FILE_OR_FOLDER...
// A folder's files are run in name order. Exits 0 when every input was handled (the harness returned); a
// crash, a sanitizer report or an unexpected exception ends the process, after "input: FILE" was printed.

#include "tests/fuzz/FuzzTarget.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

int usage(const std::string& problem)
{
    std::fprintf(stderr,
        "neurino_fuzz_replay: %s\nusage: neurino_fuzz_replay --target NAME FILE_OR_FOLDER...\n"
        "targets: %s\n",
        problem.c_str(), neurino::fuzz::targetNames().c_str());
    return 2;
}

std::vector<std::string> inputsOf(const std::string& path)
{
    std::vector<std::string> files;
    if (fs::is_directory(path)) {
        for (const auto& entry : fs::recursive_directory_iterator(path))
            if (entry.is_regular_file())
                files.push_back(entry.path().string());
        std::sort(files.begin(), files.end());
    } else if (fs::is_regular_file(path)) {
        files.push_back(path);
    }
    return files;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() < 3 || args[0] != "--target")
        return usage("name a target and at least one file or folder");
    const neurino::fuzz::TargetFunction target = neurino::fuzz::findTarget(args[1]);
    if (!target)
        return usage("no target '" + args[1] + "'");
    int count = 0;
    for (auto path = args.begin() + 2; path != args.end(); ++path) {
        const std::vector<std::string> files = inputsOf(*path);
        if (files.empty())
            return usage("'" + *path + "' holds no input files");
        for (const std::string& file : files) {
            std::ifstream in(file, std::ios::binary);
            const std::vector<char> bytes { std::istreambuf_iterator<char>(in),
                std::istreambuf_iterator<char>() };
            std::printf("input: %s (%zu bytes)\n", file.c_str(), bytes.size());
            std::fflush(stdout);
            target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            ++count;
        }
    }
    std::printf("%s: %d inputs handled\n", args[1].c_str(), count);
    return 0;
}
