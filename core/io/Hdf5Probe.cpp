#include "core/io/Hdf5Probe.h"

#include "core/io/FileSeal.h"
#include "core/io/Hdf5.h"
#include "core/util/ChildProcess.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <tuple>

namespace neurino::hdf5 {

namespace {

// Deeper groups than this are listed but not entered (a sound file rarely nests ten deep; a damaged one can
// link a group into itself).
constexpr int kMaxDepth = 64;
// Seconds a child probe may take: a walk reads metadata and one row per dataset, well under a second for
// the files Neurino meets; a hang (a damaged file looping the library) ends here.
constexpr double kProbeSeconds = 60;
// The most characters of an attribute's value a listing shows.
constexpr std::size_t kValueChars = 60;

std::string shortened(std::string text)
{
    if (text.size() > kValueChars)
        text = text.substr(0, kValueChars - 3) + "...";
    return text;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

std::string attributeValue(const H5::H5Object& object, const H5::Attribute& attribute)
{
    const std::string name = attribute.getName();
    const H5::DataType type = attribute.getDataType();
    const H5::DataSpace space = attribute.getSpace();
    if (type.getClass() == H5T_STRING) {
        const std::vector<std::string> values = readStrings(object, name);
        if (values.size() == 1)
            return shortened("\"" + values.front() + "\"");
        return std::to_string(values.size()) + " strings"
            + (values.empty() ? "" : ", \"" + values[0] + "\", ...");
    }
    const hssize_t points = space.getSimpleExtentNpoints();
    if ((type.getClass() == H5T_INTEGER || type.getClass() == H5T_FLOAT) && points == 1) {
        char text[32];
        std::snprintf(text, sizeof text, "%.10g", readDouble(object, name).value_or(0));
        return text;
    }
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(space.getSimpleExtentNdims(), 0)));
    if (!dims.empty())
        space.getSimpleExtentDims(dims.data());
    return typeName(type) + " " + shapeText(std::vector<std::int64_t>(dims.begin(), dims.end()));
}

void listAttributes(const H5::H5Object& object, ProbedObject& entry)
{
    const int count = object.getNumAttrs();
    for (int i = 0; i < count; ++i) {
        const H5::Attribute attribute = object.openAttribute(static_cast<unsigned>(i));
        entry.attributes.emplace_back(attribute.getName(), attributeValue(object, attribute));
    }
}

// Runs `read` for one object, its errors becoming the object's problem: the walk goes on past them.
template <typename F> void noting(ProbedObject& entry, F&& read)
{
    try {
        read();
    } catch (const H5::Exception& e) {
        entry.problem = e.getDetailMsg();
    } catch (const Error& e) {
        entry.problem = e.what();
    }
}

void probeDataset(const H5::DataSet& dataset, ProbedObject& entry)
{
    entry.type = typeName(dataset.getDataType());
    entry.shape = shapeOf(dataset);
    listAttributes(dataset, entry);
    const H5T_class_t type = dataset.getDataType().getClass();
    // The first row goes through the chunk index and the filters (deflate, shuffle) as a reader's would.
    if ((type == H5T_INTEGER || type == H5T_FLOAT) && !entry.shape.empty() && entry.shape[0] > 0)
        readRows(dataset, 0, 1);
}

void walk(const H5::Group& group, const std::string& path, int depth, ProbeReport& report)
{
    ProbedObject& self = report.objects.emplace_back();
    self.path = path;
    self.kind = "group";
    hsize_t count = 0;
    noting(self, [&] {
        listAttributes(group, self);
        count = depth < kMaxDepth ? group.getNumObjs() : 0;
    });
    const std::string prefix = path == "/" ? "/" : path + "/";
    for (hsize_t i = 0; i < count; ++i) {
        if (report.objects.size() >= kMaxProbedObjects) {
            report.truncated = true;
            return;
        }
        ProbedObject member;
        H5O_type_t type = H5O_TYPE_UNKNOWN;
        try {
            member.path = prefix + group.getObjnameByIdx(i);
            type = group.childObjType(member.path.substr(prefix.size()));
        } catch (const H5::Exception& e) {
            if (member.path.empty())
                member.path = prefix + "#" + std::to_string(i);
            member.kind = "link";
            member.problem = e.getDetailMsg();
            report.objects.push_back(std::move(member));
            continue;
        }
        const std::string name = member.path.substr(prefix.size());
        if (type == H5O_TYPE_GROUP) {
            H5::Group child;
            try {
                child = group.openGroup(name);
            } catch (const H5::Exception& e) {
                member.kind = "group";
                member.problem = e.getDetailMsg();
                report.objects.push_back(std::move(member));
                continue;
            }
            walk(child, member.path, depth + 1, report);
            continue;
        }
        member.kind = type == H5O_TYPE_DATASET ? "dataset" : "datatype";
        if (type == H5O_TYPE_DATASET)
            noting(member, [&] { probeDataset(group.openDataSet(name), member); });
        report.objects.push_back(std::move(member));
    }
}

using FileKey = std::tuple<dev_t, ino_t, off_t, std::int64_t, std::int64_t>;

std::mutex g_mutex;
std::string g_program;
std::set<FileKey> g_passed;

std::optional<FileKey> keyOf(const std::string& path)
{
    struct stat st { };
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return FileKey { st.st_dev, st.st_ino, st.st_size, static_cast<std::int64_t>(st.st_mtim.tv_sec),
        static_cast<std::int64_t>(st.st_mtim.tv_nsec) };
}

} // namespace

ProbeReport probe(const std::string& path)
{
    ProbeReport report;
    report.file = path;
    report.sealed = seal::verify(path, "HDF5 file");
    if (!isHdf5File(path))
        throw IoError("'" + path + "' is not an HDF5 file");
    auto held = lock();
    try {
        const H5::H5File file(path, H5F_ACC_RDONLY);
        walk(file.openGroup("/"), "/", 0, report);
    } catch (const H5::Exception& e) {
        throw IoError("cannot open '" + path + "' as HDF5: " + e.getDetailMsg());
    }
    return report;
}

std::string formatProbe(const ProbeReport& report)
{
    std::ostringstream out;
    int datasets = 0, problems = 0;
    for (const ProbedObject& object : report.objects) {
        datasets += object.kind == "dataset";
        problems += !object.problem.empty();
    }
    out << "'" << report.file << "': HDF5, " << report.objects.size() << " objects, " << datasets
        << " datasets, " << (report.sealed ? "sealed by Neurino (checksum verified)" : "no Neurino seal")
        << "\n";
    for (const ProbedObject& object : report.objects) {
        out << "  " << object.path << "  " << object.kind;
        if (object.kind == "dataset")
            out << "  " << object.type << " " << shapeText(object.shape);
        out << "\n";
        for (const auto& [name, value] : object.attributes)
            out << "      @" << name << " = " << value << "\n";
        if (!object.problem.empty())
            out << "      problem: " << object.problem << "\n";
    }
    if (report.truncated)
        out << "  ... (listing stops at " << kMaxProbedObjects << " objects)\n";
    if (problems)
        out << problems << (problems == 1 ? " object" : " objects") << " could not be read\n";
    return out.str();
}

std::string probeToJson(const ProbeReport& report)
{
    nlohmann::json objects = nlohmann::json::array();
    for (const ProbedObject& object : report.objects) {
        nlohmann::json entry { { "path", object.path }, { "kind", object.kind } };
        if (object.kind == "dataset") {
            entry["type"] = object.type;
            entry["shape"] = object.shape;
        }
        nlohmann::json attributes = nlohmann::json::object();
        for (const auto& [name, value] : object.attributes)
            attributes[name] = value;
        entry["attributes"] = attributes;
        if (!object.problem.empty())
            entry["problem"] = object.problem;
        objects.push_back(entry);
    }
    const nlohmann::json out { { "file", report.file }, { "sealed", report.sealed },
        { "truncated", report.truncated }, { "objects", objects } };
    // Replaces bytes that are not UTF-8 (a damaged name) instead of throwing.
    return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void setProbeProgram(const std::string& program)
{
    std::lock_guard<std::mutex> held(g_mutex);
    g_program = program;
}

std::string probeProgram()
{
    std::lock_guard<std::mutex> held(g_mutex);
    return g_program;
}

void checkInChildProcess(const std::string& path, const std::string& what)
{
    const std::string program = probeProgram();
    const std::optional<FileKey> key = keyOf(path);
    if (program.empty())
        return;
    {
        std::lock_guard<std::mutex> held(g_mutex);
        if (key && g_passed.count(*key))
            return;
    }
    const ChildResult child = runChild({ program, "probe", path }, kProbeSeconds);
    const std::string where = what + " '" + path + "'";
    if (child.signal != 0)
        throw IoError("the HDF5 library crashed reading the " + where + " (" + describeSignal(child.signal)
            + ", in a separate probe process: nothing is lost); the file is damaged or malformed. "
              "`neurino-batch probe FILE` lists what can be read of it");
    if (child.timedOut)
        throw IoError("reading the " + where + " did not finish in " + std::to_string(int(kProbeSeconds))
            + " s (in a separate probe process); the file is damaged or malformed");
    // 0: walked; 1: a message of the probe that the reader will give in its own words.
    if (child.exitCode != 0 && child.exitCode != 1)
        throw IoError("could not probe the " + where + " with '" + program + "' (exit code "
            + std::to_string(child.exitCode) + "): " + child.err);
    if (key) {
        std::lock_guard<std::mutex> held(g_mutex);
        g_passed.insert(*key);
    }
}

} // namespace neurino::hdf5
