#include "exercises/Leaderboard.h"

#include "core/io/ReadLimits.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/JsonNumbers.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace neurino::exercises {

namespace {

constexpr const char* kFormat = "neurino-leaderboard";
// The layout version written.
constexpr int kVersion = 1;

bool ranksBefore(const LeaderboardEntry& a, const LeaderboardEntry& b)
{
    if (a.score != b.score)
        return a.score > b.score;
    if (a.parameters != b.parameters)
        return a.parameters < b.parameters;
    return a.date < b.date;
}

std::string padded(std::string text, std::size_t width)
{
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

} // namespace

std::string userDataDir()
{
    if (const char* dir = std::getenv("NEURINO_DATA_DIR"); dir && *dir)
        return dir;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::string(xdg) + "/neurino";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.local/share/neurino";
    throw IoError("cannot find a data folder for leaderboards: set NEURINO_DATA_DIR, XDG_DATA_HOME or HOME");
}

std::string currentIsoDate()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc {};
    gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

Leaderboard::Leaderboard(std::string exerciseId, std::string dataDir)
    : m_exerciseId(std::move(exerciseId))
    , m_dataDir(dataDir.empty() ? userDataDir() : std::move(dataDir))
{
}

std::string Leaderboard::path() const
{
    return m_dataDir + "/leaderboards/" + m_exerciseId + ".json";
}

Leaderboard Leaderboard::load(const std::string& exerciseId, const std::string& dataDir)
{
    Leaderboard board(exerciseId, dataDir);
    const std::string file = board.path();
    if (!std::filesystem::exists(file))
        return board;
    try {
        const auto doc = nlohmann::json::parse(readBoundedJsonText(file));
        if (doc.value("format", "") != kFormat)
            throw IoError("it is not a Neurino leaderboard (format is not '" + std::string(kFormat) + "')");
        const auto version = jsonInteger<std::int64_t>(doc.value("version", nlohmann::json(0)));
        if (!version)
            throw IoError("its field 'version' is " + doc.at("version").dump() + ", not a whole number");
        if (*version > kVersion)
            throw IoError("it was written by a newer Neurino (version " + std::to_string(*version) + ")");
        if (doc.value("exercise", "") != exerciseId)
            throw IoError("it belongs to exercise '" + doc.value("exercise", "") + "'");
        for (const auto& e : doc.at("entries")) {
            LeaderboardEntry entry;
            entry.name = e.at("name").get<std::string>();
            entry.model = e.at("model").get<std::string>();
            const auto parameters = jsonInteger<std::int64_t>(e.at("parameters"));
            if (!parameters)
                throw IoError("entry " + std::to_string(board.m_entries.size() + 1)
                    + ": field 'parameters' is " + e.at("parameters").dump() + ", not a whole number");
            entry.parameters = *parameters;
            entry.score = e.at("score").get<double>();
            entry.date = e.at("date").get<std::string>();
            board.m_entries.push_back(std::move(entry));
        }
    } catch (const nlohmann::json::exception& e) {
        throw IoError("leaderboard '" + file + "' is damaged: " + e.what()
            + "; fix or delete the file to start a new board");
    } catch (const IoError& e) {
        throw IoError("leaderboard '" + file + "' cannot be used: " + e.what());
    }
    std::stable_sort(board.m_entries.begin(), board.m_entries.end(), ranksBefore);
    return board;
}

std::size_t Leaderboard::add(LeaderboardEntry entry)
{
    if (entry.date.empty())
        entry.date = currentIsoDate();
    const auto at = std::upper_bound(m_entries.begin(), m_entries.end(), entry, ranksBefore);
    const auto inserted = m_entries.insert(at, std::move(entry));
    return std::size_t(inserted - m_entries.begin()) + 1;
}

void Leaderboard::save() const
{
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : m_entries)
        entries.push_back({ { "name", e.name }, { "model", e.model }, { "parameters", e.parameters },
            { "score", e.score }, { "date", e.date } });
    const nlohmann::json doc = { { "format", kFormat }, { "version", kVersion }, { "exercise", m_exerciseId },
        { "entries", entries } };
    const std::string file = path();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
    if (ec)
        throw IoError("cannot create the leaderboard folder for '" + file + "': " + ec.message());
    writeTextFileAtomically(file, doc.dump(2) + "\n");
}

std::string Leaderboard::toString() const
{
    std::ostringstream out;
    out << "rank  " << padded("name", 20) << padded("model", 28) << padded("parameters", 12)
        << padded("score", 9) << "date\n";
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const auto& e = m_entries[i];
        char score[32];
        std::snprintf(score, sizeof score, "%.4f", e.score);
        out << padded(std::to_string(i + 1), 6) << padded(e.name, 20) << padded(e.model, 28)
            << padded(std::to_string(e.parameters), 12) << padded(score, 9) << e.date << "\n";
    }
    return out.str();
}

} // namespace neurino::exercises
