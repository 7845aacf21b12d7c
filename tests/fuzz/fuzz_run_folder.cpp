// A run folder, as the run list, `neurino-batch train --resume` and comparisons read it. The input is the
// folder's text files separated by form feeds (\f): config.json, then metrics.jsonl, then summary.txt; a file
// whose part is missing is absent.

#include "tests/fuzz/FuzzTarget.h"

#include "core/run/RunFolder.h"

#include <filesystem>

NEURINO_FUZZ_TARGET(run_folder)
{
    neurino::fuzz::prepare();
    const std::string dir = neurino::fuzz::workDir() + "/run";
    std::filesystem::create_directories(dir);
    const std::string text(reinterpret_cast<const char*>(data), size);
    const char* files[] = { neurino::kRunConfigFile, neurino::kRunMetricsFile, neurino::kRunSummaryFile };
    std::size_t begin = 0;
    for (const char* file : files) {
        const std::string path = dir + "/" + file;
        if (begin > text.size()) {
            neurino::fuzz::removeFile(path);
            continue;
        }
        const std::size_t end = std::min(text.find('\f', begin), text.size());
        neurino::fuzz::writeFile(path, text.substr(begin, end - begin));
        begin = end + 1;
    }
    neurino::fuzz::expectErrorsOnly([&] { neurino::RunFolder::read(dir); });
    return 0;
}
