#include "core/run/ClusterJob.h"

#include "core/graph/ModelJson.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"
#include "core/util/Resources.h"

#include <filesystem>
#include <functional>
#include <regex>
#include <sstream>

namespace neurino {

namespace fs = std::filesystem;

namespace {

// The template's lines that the options replace, by their start; a template without one of them is not
// the one this code fills in.
constexpr const char* kFilledFields[]
    = { "#SBATCH --job-name=", "#SBATCH --nodes=", "#SBATCH --ntasks-per-node=", "#SBATCH --gres=gpu:",
          "#SBATCH --cpus-per-task=", "#SBATCH --time=", "RUN=", "srun " };

void check(const ClusterJobOptions& o)
{
    if (o.nodes < 1 || o.tasksPerNode < 1 || o.cpusPerTask < 1 || o.gpusPerNode < 0)
        throw TrainError("a cluster job needs at least one node, one task per node and one CPU per task");
    if (!std::regex_match(o.time, std::regex(R"((\d+-)?\d{1,2}:\d{2}:\d{2})")))
        throw TrainError("the job's time limit '" + o.time + "' is not [D-]HH:MM:SS (e.g. 04:00:00)");
    for (const std::string* field : { &o.jobName, &o.partition })
        if (!std::regex_match(*field, std::regex(R"([A-Za-z0-9_.,-]*)")))
            throw TrainError("the SLURM field '" + *field + "' may hold letters, digits and _ . , - only");
    if (o.jobName.empty())
        throw TrainError("the job needs a name");
}

bool startsWith(const std::string& line, const char* prefix)
{
    return line.rfind(prefix, 0) == 0;
}

// resources/slurm/train.sbatch with the options' fields, the job folder's run and `command`; its
// comments kept.
std::string sbatchScript(const ClusterJobOptions& o, const std::string& command)
{
    const std::string templatePath = resourcePath("slurm/train.sbatch");
    std::istringstream in(readTextFile(templatePath));
    std::ostringstream out;
    std::vector<bool> seen(std::size(kFilledFields), false);
    bool inCommand = false;
    for (std::string line; std::getline(in, line);) {
        // The template's command runs over continued lines; the job's replaces all of them.
        if (inCommand) {
            inCommand = !line.empty() && line.back() == '\\';
            continue;
        }
        std::size_t field = 0;
        while (field < std::size(kFilledFields) && !startsWith(line, kFilledFields[field]))
            ++field;
        if (field == std::size(kFilledFields)) {
            out << line << "\n";
            continue;
        }
        seen[field] = true;
        switch (field) {
        case 0:
            out << kFilledFields[0] << o.jobName << "\n";
            if (!o.partition.empty())
                out << "#SBATCH --partition=" << o.partition << "\n";
            break;
        case 1:
            out << kFilledFields[1] << o.nodes << "\n";
            break;
        case 2:
            out << kFilledFields[2] << o.tasksPerNode << "\n";
            break;
        case 3:
            out << (o.gpusPerNode > 0 ? "" : "#") << kFilledFields[3] << std::max(o.gpusPerNode, 1) << "\n";
            break;
        case 4:
            out << kFilledFields[4] << o.cpusPerTask << "\n";
            break;
        case 5:
            out << kFilledFields[5] << o.time << "\n";
            break;
        case 6:
            out << "# The job runs in the folder it was submitted from: this one, with run.json in it.\n"
                   "cd \"${SLURM_SUBMIT_DIR:-.}\"\n"
                   "[ -f run.json ] || { echo \"submit from the folder that holds run.json\" >&2; exit 2; }\n"
                   "RUN=run-$SLURM_JOB_ID\n";
            break;
        default:
            out << command << "\n";
            inCommand = !line.empty() && line.back() == '\\';
            break;
        }
    }
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (!seen[i])
            throw IoError("the job template '" + templatePath + "' has no line starting '" + kFilledFields[i]
                + "' to fill in");
    return out.str();
}

// What README.txt says about one kind of run.
struct JobText {
    std::string title; // the model's or the run's name
    std::string files; // the folder's run files, one "  name  what\n" line each
    std::string command; // the srun line
    std::string device;
    std::int64_t batch = 0; // the global batch
    std::string dataPath; // a file source's path when the data was not copied, else empty
    std::string init; // the copied starting weights, else empty
};

std::string readme(const JobText& job, const ClusterJobOptions& o, const std::string& dir, bool copied)
{
    const std::string folder = fs::path(dir).filename().string();
    std::ostringstream text;
    text << "Neurino run on a SLURM cluster: " << job.title << "\n\n"
         << job.files << "  " << kClusterScriptFile << "        the job: " << o.nodes << " node(s) x "
         << o.tasksPerNode << " task(s), "
         << (o.gpusPerNode > 0 ? std::to_string(o.gpusPerNode) + " GPU(s) per node" : "CPUs only")
         << ", time limit " << o.time << (o.partition.empty() ? "" : ", partition " + o.partition) << "\n";
    if (copied)
        text << "  data/               the dataset\n";
    if (!job.init.empty())
        text << "  weights/            the weights the run starts from\n";
    text << "\n1. Copy this folder to the cluster (to a file system every node sees, not /tmp):\n"
         << "     scp -r " << folder << " cluster:\n"
         << "2. Neurino must be built there (scripts/neurino setup, or -DNEURINO_BUILD_GUI=OFF on a node\n"
         << "   without Qt) and neurino-batch on the PATH. Submit from the folder:\n"
         << "     cd " << folder << " && sbatch " << kClusterScriptFile << "\n"
         << "   The job runs\n"
         << "     " << job.command << "\n"
         << "   whose tasks train data-parallel on device " << job.device << " (the global batch "
         << job.batch << " is split\n"
         << "   between them); rank 0 writes the run folder run-<job id>/ here.\n";
    if (!job.dataPath.empty())
        text << "   The data is read from " << job.dataPath << ": put the file there, or change the\n"
             << "   \"path\" in " << kClusterSpecFile << ".\n";
    std::string resume = job.command;
    resume.replace(resume.find(" --spec"), std::string::npos, " --resume --out run-<job id>");
    text << "3. Follow it with squeue -u $USER and tail -f neurino-train-<job id>.out. An interrupted job\n"
         << "   continues with: " << resume << "\n"
         << "4. Copy the run folder back and open it in Neurino (File > Open Run Folder...):\n"
         << "     scp -r cluster:" << folder << "/run-<job id> .\n";
    return text.str();
}

// Makes the job folder `dir` for a run of `data` (and `init`, the starting weights, when not empty): the
// data file copied in when the options ask for it and the weights always, `data` and `init` then naming the
// copies relative to the folder, where the job runs; `saveSpec` writes the run's files; then the script
// with `command` and README.txt.
void writeJob(const std::string& dir, const ClusterJobOptions& options, DataSource& data, std::string& init,
    const std::function<void()>& saveSpec, JobText text)
{
    check(options);
    const std::string script = sbatchScript(options, text.command);
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        throw IoError("cannot create the job folder '" + dir + "': " + error.message());
    auto copyIn = [&](const std::string& file, const std::string& sub, const char* what) {
        const fs::path source(file);
        const std::string relative = sub + "/" + source.filename().string();
        fs::create_directories(fs::path(dir) / sub, error);
        if (error)
            throw IoError("cannot create '" + dir + "/" + sub + "': " + error.message());
        writeFileAtomically((fs::path(dir) / relative).string(), [&](const std::string& tmp) {
            std::error_code copyError;
            if (!fs::copy_file(source, tmp, fs::copy_options::overwrite_existing, copyError))
                throw IoError(
                    std::string("cannot copy the ") + what + " '" + file + "': " + copyError.message());
        });
        return relative;
    };
    const bool copy = options.copyData && data.kind == DataSource::Kind::File;
    if (copy)
        data.path = copyIn(data.path, "data", "dataset");
    else if (data.kind == DataSource::Kind::File)
        text.dataPath = data.path;
    // The weights the run starts from (an imported model) go with it: the laptop's path means nothing there.
    if (!init.empty())
        text.init = init = copyIn(init, "weights", "starting weights");
    saveSpec();
    writeTextFileAtomically((fs::path(dir) / kClusterScriptFile).string(), script);
    fs::permissions(fs::path(dir) / kClusterScriptFile, fs::perms::owner_exec | fs::perms::group_exec,
        fs::perm_options::add, error);
    writeTextFileAtomically((fs::path(dir) / kClusterReadmeFile).string(), readme(text, options, dir, copy));
}

} // namespace

std::string clusterTrainCommand()
{
    return std::string("srun --kill-on-bad-exit=1 neurino-batch train --spec ") + kClusterSpecFile
        + " --model " + kClusterModelFile + " --out \"$RUN\"";
}

std::string clusterGanTrainCommand()
{
    return std::string("srun --kill-on-bad-exit=1 neurino-batch gan train --spec ") + kClusterSpecFile
        + " --out \"$RUN\"";
}

void writeClusterJob(const RunSpec& spec, const std::string& dir, const ClusterJobOptions& options)
{
    RunSpec job = spec;
    // GPUs asked for are GPUs used: a run set to the CPU on the laptop takes them on the cluster.
    if (options.gpusPerNode > 0 && job.training.device == "cpu")
        job.training.device = "auto";
    JobText text;
    text.title = spec.name.empty() ? spec.model.name() : spec.name;
    text.files = std::string("  ") + kClusterModelFile + "  the model\n  " + kClusterSpecFile
        + "            the data, training settings, device, threads and seed\n";
    text.command = clusterTrainCommand();
    text.device = job.training.device;
    text.batch = job.training.batchSize;
    writeJob(
        dir, options, job.data, job.init,
        [&] {
            saveModel(job.model, (fs::path(dir) / kClusterModelFile).string());
            job.save((fs::path(dir) / kClusterSpecFile).string());
        },
        text);
}

void writeClusterJob(const GanRunSpec& spec, const std::string& dir, const ClusterJobOptions& options)
{
    GanRunSpec job = spec;
    if (options.gpusPerNode > 0 && job.gan.device == "cpu")
        job.gan.device = "auto";
    JobText text;
    text.title
        = spec.name.empty() ? spec.generator.name() + " against " + spec.discriminator.name() : spec.name;
    text.files = std::string("  ") + kClusterSpecFile
        + "            both networks, the real samples, the GAN settings, device, threads and seed\n";
    text.command = clusterGanTrainCommand();
    text.device = job.gan.device;
    text.batch = job.gan.batchSize;
    std::string noWeights;
    writeJob(
        dir, options, job.data, noWeights, [&] { job.save((fs::path(dir) / kClusterSpecFile).string()); },
        text);
}

} // namespace neurino
