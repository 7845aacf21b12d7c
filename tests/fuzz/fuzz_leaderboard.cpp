// An exercise's leaderboard file, as `neurino-batch exercise leaderboard` and the exercise guide read it:
// loaded, ranked, printed, and saved and loaded again to the same entries.

#include "tests/fuzz/FuzzTarget.h"

#include "exercises/Leaderboard.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

NEURINO_FUZZ_TARGET(leaderboard)
{
    neurino::fuzz::prepare();
    const std::string dir = neurino::fuzz::workDir() + "/leaderboard";
    std::filesystem::create_directories(dir + "/leaderboards");
    neurino::fuzz::writeFile(dir + "/leaderboards/shapes.json", data, size);
    neurino::fuzz::expectErrorsOnly([&] {
        const auto board = neurino::exercises::Leaderboard::load("shapes", dir);
        board.toString();
        board.save();
        const auto again = neurino::exercises::Leaderboard::load("shapes", dir);
        if (again.entries().size() != board.entries().size()) {
            std::fprintf(stderr, "fuzz_leaderboard: %zu entries saved, %zu read back\n",
                board.entries().size(), again.entries().size());
            std::abort();
        }
    });
    return 0;
}
