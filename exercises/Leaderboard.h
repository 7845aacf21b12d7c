#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurino::exercises {

// Neurino's per-user data folder: $NEURINO_DATA_DIR when set (tests), else $XDG_DATA_HOME/neurino, else
// ~/.local/share/neurino.
std::string userDataDir();

// One submission on a class's leaderboard.
struct LeaderboardEntry {
    std::string name; // the student or team
    std::string model; // the model's name or file
    std::int64_t parameters = 0;
    double score = 0; // higher is better (the exercise's score check)
    std::string date; // ISO 8601, UTC: "2025-01-31T14:03:00Z"
};

// "2025-01-31T14:03:00Z" for now.
std::string currentIsoDate();

// The local leaderboard of one exercise, kept as <data dir>/leaderboards/<exercise>.json:
//   {"format": "neurino-leaderboard", "version": 1, "exercise": "shapes", "entries": [{...}, ...]}
// Entries are ranked by score (best first; ties: fewer parameters, then earlier). Saved atomically, so a
// crash never leaves a half-written board.
class Leaderboard {
public:
    // An empty board of `exerciseId` stored under `dataDir` (default userDataDir()).
    explicit Leaderboard(std::string exerciseId, std::string dataDir = {});

    // The board as saved, or an empty one when there is no file yet. Throws IoError naming the file when
    // it exists but is not a leaderboard of this exercise.
    static Leaderboard load(const std::string& exerciseId, const std::string& dataDir = {});

    const std::string& exerciseId() const { return m_exerciseId; }
    std::string path() const;
    const std::vector<LeaderboardEntry>& entries() const { return m_entries; }
    // Inserts at its rank; returns the 1-based rank.
    std::size_t add(LeaderboardEntry entry);
    // Creates the folder when needed and writes atomically; throws IoError naming the file.
    void save() const;

    // A ranked text table for the terminal.
    std::string toString() const;

private:
    std::string m_exerciseId;
    std::string m_dataDir;
    std::vector<LeaderboardEntry> m_entries;
};

} // namespace neurino::exercises
