// Bounded reading: files that declare absurd sizes (a dataset of 10^15 elements, a graph of more nodes than
// the limit, JSON nested 10,000 deep, string attributes larger than the limit, a text file of 64 GiB) are
// refused with a message naming the file and the limit's variable, before anything of that size is allocated;
// the limits can be raised.
#include "core/data/DatasetFile.h"
#include "core/graph/ModelJson.h"
#include "core/io/FileSeal.h"
#include "core/io/Hdf5.h"
#include "core/io/ReadLimits.h"
#include "core/train/Checkpoint.h"
#include "core/util/Error.h"
#include "tests/core/train/TrainTestData.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace neurino;

namespace {

// A dataset of 10^15 floats: chunked, nothing written, so the file holds a few hundred bytes.
constexpr hsize_t kHugeRows = 1000000000000000ULL;

// Resident memory of this process, to show a refusal allocated nothing.
std::int64_t residentBytes()
{
    std::ifstream statm("/proc/self/statm");
    std::int64_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

// Far less than any of the refused sizes below (704 MB and more), far more than a test's own allocations
// and what LibTorch's and libhdf5's first calls map in, whatever else the machine runs at the same time.
constexpr std::int64_t kRssSlack = std::int64_t(256) << 20;

// Says how much resident memory grew since `before` when it grew by more than the slack.
#define VERIFY_ALLOCATED_LITTLE(before)                                                                      \
    do {                                                                                                     \
        const std::int64_t grown = residentBytes() - (before);                                               \
        QVERIFY2(grown < kRssSlack, qPrintable(QString("resident memory grew by %1 bytes").arg(grown)));     \
    } while (false)

void writeHugeDataset(const std::string& path, std::vector<hsize_t> dims)
{
    auto held = hdf5::lock();
    H5::H5File file(path, H5F_ACC_TRUNC);
    std::vector<hsize_t> chunk(dims.size(), 1);
    chunk.back() = 1024;
    H5::DSetCreatPropList props;
    props.setChunk(static_cast<int>(chunk.size()), chunk.data());
    const H5::DataSpace space(static_cast<int>(dims.size()), dims.data());
    file.createDataSet("features", H5::PredType::NATIVE_FLOAT, space, props);
}

std::string nested(int depth)
{
    return std::string(static_cast<std::size_t>(depth), '[')
        + std::string(static_cast<std::size_t>(depth), ']');
}

template <typename E, typename F> QString messageOf(F&& call)
{
    try {
        call();
    } catch (const E& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// A small checkpoint whose /weights group has `extraNodes` groups beyond the model's one Dense node.
std::string writeCheckpoint(const std::string& path, int extraNodes)
{
    Checkpoint c;
    c.graph = test::mlp(2, { { 1, "sigmoid" } });
    c.optimizerName = "adam";
    c.weights["dense_1"] = { { "weight", torch::zeros({ 1, 2 }) }, { "bias", torch::zeros({ 1 }) } };
    for (int i = 0; i < extraNodes; ++i)
        c.weights["extra_" + std::to_string(i)] = { { "bias", torch::zeros({ 1 }) } };
    saveCheckpoint(path, c);
    return path;
}

// Changes a checkpoint as another program would, taking its seal away: these tests look at the read
// limits, which guard files without a seal (foreign ones, older Neurino's), not at the checksum.
template <typename F> void changeCheckpoint(const std::string& path, F&& change)
{
    {
        auto held = hdf5::lock();
        H5::H5File file(path, H5F_ACC_RDWR);
        change(file);
    }
    std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
    const std::string blank(seal::kBlockBytes, '\0');
    out.write(blank.data(), static_cast<std::streamsize>(blank.size()));
}

// Variable-length UTF-8 strings, as older Neurino versions and other programs write them (Neurino writes
// fixed-length ones): one scalar attribute, or an array of them.
void writeVariableStrings(
    H5::H5Object& object, const std::string& name, const std::vector<std::string>& values, bool scalar)
{
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    const hsize_t dims[1] = { values.size() };
    H5::Attribute attribute
        = object.createAttribute(name, type, scalar ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(1, dims));
    std::vector<const char*> raw;
    for (const std::string& value : values)
        raw.push_back(value.c_str());
    attribute.write(type, raw.data());
}

} // namespace

class TestReadLimits : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    // Every test starts from the defaults, whatever the environment of the test run says.
    void init() { setReadLimits(ReadLimits {}); }
    void cleanupTestCase() { setReadLimits(ReadLimits {}); }

    void elementCountOverflowIsRefused()
    {
        // 10^15 x 10^15 wraps a 64-bit product; the check divides instead.
        const QString message = messageOf<IoError>([] {
            checkedElementCount({ 1000000000000000, 1000000000000000 }, "'x.h5': dataset '/big'");
        });
        QVERIFY2(
            message.contains("'x.h5': dataset '/big' declares 1000000000000000x1000000000000000 elements"),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_ELEMENTS"));
        QCOMPARE(checkedElementCount({ 70000, 784 }, "Fashion-MNIST"), std::int64_t(70000) * 784);
        QCOMPARE(checkedElementCount({ 11000000, 28 }, "HIGGS"), std::int64_t(11000000) * 28);
        QCOMPARE(checkedElementCount({ 0, 1000000000000000 }, "empty"), std::int64_t(0));
    }

    void datasetOfTenToTheFifteenIsRefused()
    {
        const std::string file = path("huge.h5");
        writeHugeDataset(file, { kHugeRows });
        QVERIFY(std::filesystem::file_size(file) < 100000);
        const std::int64_t before = residentBytes();

        DatasetFile dataset(file, DatasetPaths { "features", "", std::nullopt, false });
        QCOMPARE(dataset.size(), std::int64_t(kHugeRows));
        const QString message = messageOf<IoError>([&] { dataset.readAll(); });
        QVERIFY2(message.contains(QString::fromStdString("'" + file + "': dataset '/features'")),
            qPrintable(message));
        QVERIFY2(message.contains("declares 1000000000000000 elements, more than the 2147483648 elements"),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_ELEMENTS"));

        // The same through the whole-dataset reader of checkpoints and predictions.
        const QString whole = messageOf<IoError>([&] {
            auto held = hdf5::lock();
            hdf5::readTensor(H5::H5File(file, H5F_ACC_RDONLY).openGroup("/"), "features");
        });
        QVERIFY2(whole.contains("declares 1000000000000000 elements"), qPrintable(whole));
        VERIFY_ALLOCATED_LITTLE(before);
    }

    void foreignTargetsOfTenToTheFifteenAreRefused()
    {
        // A foreign file's float targets are read whole to guess the task: that read is bounded too.
        const std::string file = path("hugeTargets.h5");
        writeHugeDataset(file, { kHugeRows });
        {
            auto held = hdf5::lock();
            H5::H5File h5(file, H5F_ACC_RDWR);
            const hsize_t dims[1] = { kHugeRows }, chunk[1] = { 1024 };
            H5::DSetCreatPropList props;
            props.setChunk(1, chunk);
            h5.createDataSet("targets", H5::PredType::NATIVE_FLOAT, H5::DataSpace(1, dims), props);
        }
        const std::int64_t before = residentBytes();
        const QString message = messageOf<IoError>([&] { DatasetFile dataset(file); });
        QVERIFY2(
            message.contains("dataset '/targets' (rows 0+1000000000000000) declares"), qPrintable(message));
        VERIFY_ALLOCATED_LITTLE(before);
    }

    void datasetThatStoresNothingIsRefused()
    {
        // 2^30 floats, under the element limit, but never written: 4 GiB to read from a file of a few KiB.
        const std::string file = path("unwritten.h5");
        writeHugeDataset(file, { std::uint64_t(1) << 20, 1024 });
        const std::int64_t before = residentBytes();
        const QString message = messageOf<IoError>([&] {
            readDataset(file, DatasetPaths { "features", "", std::nullopt, false });
        });
        QVERIFY2(message.contains(
                     "dataset '/features' declares 4294967296 bytes of data but the file stores 0 bytes"),
            qPrintable(message));
        VERIFY_ALLOCATED_LITTLE(before);

        // Constant data compressed as far as deflate goes is stored, and read.
        const std::string zeros = path("zeros.h5");
        Dataset constant;
        constant.features = torch::zeros({ 4096, 1024 });
        constant.info.task = Task::Unlabelled;
        writeDataset(zeros, constant, DatasetWriteOptions { 9 });
        QVERIFY(std::filesystem::file_size(zeros) < 100000);
        QCOMPARE(readDataset(zeros).features.numel(), std::int64_t(4096) * 1024);
    }

    void elementLimitCanBeRaised()
    {
        const std::string file = path("small.h5");
        Dataset small;
        small.features = torch::ones({ 4, 3 });
        small.info.task = Task::Unlabelled;
        writeDataset(file, small);

        ReadLimits limits;
        limits.maxElements = 10;
        setReadLimits(limits);
        const QString message = messageOf<IoError>([&] { readDataset(file); });
        QVERIFY2(message.contains("declares 4x3 elements, more than the 10 elements"), qPrintable(message));
        limits.maxElements = 12;
        setReadLimits(limits);
        QCOMPARE(readDataset(file).features.numel(), std::int64_t(12));
    }

    void environmentOverridesTheDefaults()
    {
        qputenv("NEURINO_MAX_ELEMENTS", "12");
        qputenv("NEURINO_MAX_JSON_DEPTH", "1000000");
        const ReadLimits limits = readLimitsFromEnvironment();
        QCOMPARE(limits.maxElements, std::int64_t(12));
        QCOMPARE(limits.maxJsonDepth, std::int64_t(1000000));
        QCOMPARE(limits.maxGraphNodes, ReadLimits {}.maxGraphNodes);
        qputenv("NEURINO_MAX_ELEMENTS", "lots");
        const QString message = messageOf<IoError>([] { readLimitsFromEnvironment(); });
        QVERIFY2(message.contains("NEURINO_MAX_ELEMENTS='lots' is not a positive whole number"),
            qPrintable(message));
        qunsetenv("NEURINO_MAX_ELEMENTS");
        qunsetenv("NEURINO_MAX_JSON_DEPTH");
    }

    void longFixedLengthStringIsRefused()
    {
        // A fixed-length string attribute longer than the limit (the limit lowered: HDF5 writes every byte of
        // a fixed-length attribute, so a gigabyte one would cost a gigabyte of disk).
        const std::string file = path("longString.h5");
        {
            auto held = hdf5::lock();
            H5::H5File h5(file, H5F_ACC_TRUNC);
            const H5::StrType type(H5::PredType::C_S1, 4096);
            const std::string text(4096, 'x');
            H5::Group root = h5.openGroup("/");
            root.createAttribute("task", type, H5::DataSpace(H5S_SCALAR)).write(type, text.data());
        }
        ReadLimits limits;
        limits.maxStringBytes = 1024;
        setReadLimits(limits);
        const QString message = messageOf<IoError>([&] {
            auto held = hdf5::lock();
            hdf5::readString(H5::H5File(file, H5F_ACC_RDONLY).openGroup("/"), "task");
        });
        QVERIFY2(message.contains(QString::fromStdString("'" + file
                     + "': string attribute 'task' of '/' declares "
                       "4096 bytes, more than the 1024 bytes of a string")),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_STRING_BYTES"));
        setReadLimits(ReadLimits {});
        auto held = hdf5::lock();
        QCOMPARE(hdf5::readString(H5::H5File(file, H5F_ACC_RDONLY).openGroup("/"), "task")->size(), 4096u);
    }

    void manyVariableLengthStringsAreRefused()
    {
        // A variable-length string array whose heap references alone exceed the limit is refused before the
        // library follows any of them.
        const std::string file = path("manyStrings.h5");
        {
            auto held = hdf5::lock();
            H5::H5File h5(file, H5F_ACC_TRUNC);
            H5::Group root = h5.openGroup("/");
            writeVariableStrings(root, "class_names", std::vector<std::string>(100, "name"), false);
        }
        ReadLimits limits;
        limits.maxStringBytes = 1000;
        setReadLimits(limits);
        const QString message = messageOf<IoError>([&] {
            auto held = hdf5::lock();
            hdf5::readStrings(H5::H5File(file, H5F_ACC_RDONLY).openGroup("/"), "class_names");
        });
        QVERIFY2(message.contains("string attribute 'class_names' of '/' (100 strings of 16 bytes) declares "
                                  "1600 bytes"),
            qPrintable(message));
        setReadLimits(ReadLimits {});
        auto held = hdf5::lock();
        QCOMPARE(
            hdf5::readStrings(H5::H5File(file, H5F_ACC_RDONLY).openGroup("/"), "class_names").size(), 100u);
    }

    void damagedCharacterSizeIsRefused()
    {
        // One damaged byte found by fuzzing: the character size of a variable-length string, 1 in a sound
        // file, made 704,643,073; libhdf5 then allocates that much per character while reading.
        const std::string file = path("damagedCharacter.h5");
        {
            auto held = hdf5::lock();
            H5::H5File h5(file, H5F_ACC_TRUNC);
            H5::Group root = h5.openGroup("/");
            writeVariableStrings(root, "options", { "{}" }, true);
        }
        std::string bytes;
        {
            std::ifstream in(file, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        // The attribute's datatype message: variable-length UTF-8 string of 16 bytes, then its 1-byte
        // character.
        const std::string type("\x19\x01\x01\x00\x10\x00\x00\x00\x10\x00\x00\x00\x01\x00\x00\x00", 16);
        const std::size_t at = bytes.find(type);
        QVERIFY(at != std::string::npos);
        QVERIFY(bytes.find(type, at + 1) == std::string::npos);
        bytes[at + 15] = '\x2a';
        std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;

        const std::int64_t before = residentBytes();
        const QString message = messageOf<IoError>([&] {
            auto held = hdf5::lock();
            hdf5::readString(H5::H5File(file, H5F_ACC_RDONLY).openGroup("/"), "options");
        });
        QVERIFY2(message.contains(QString::fromStdString("'" + file
                     + "': string attribute 'options' of '/' declares "
                       "characters of 704643073 bytes instead of 1")),
            qPrintable(message));
        VERIFY_ALLOCATED_LITTLE(before);
    }

    void graphOfTooManyNodesIsRefused()
    {
        // 100,001 tiny nodes: counted before any node is read.
        std::string text = "{\"format\": \"neurino-model\", \"version\": 1, \"nodes\": [";
        for (int i = 0; i <= 100000; ++i)
            text += i ? ",{}" : "{}";
        text += "]}";
        const QString message = messageOf<ModelError>([&] { modelFromString(text, "big.neurino.json"); });
        QVERIFY2(
            message.contains("big.neurino.json declares 100001 nodes, more than the 100000 nodes of a graph"),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_GRAPH_NODES"));
    }

    void jsonNestedTenThousandDeepIsRefused()
    {
        const QString message
            = messageOf<ModelError>([] { modelFromString(nested(10000), "deep.neurino.json"); });
        QVERIFY2(message.contains(
                     "deep.neurino.json nests JSON arrays and objects more than 256 deep (at byte 256)"),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_JSON_DEPTH"));
        // Brackets inside strings are text, not nesting.
        checkJsonDepth("{\"a\": \"" + std::string(10000, '[') + "\\\"\"}", "strings");
        checkJsonDepth(nested(256), "at the limit");
    }

    void checkpointWeightsOfTooManyNodesAreRefused()
    {
        // The model has 3 nodes (within a limit of 3), its /weights group 4 groups: refused before looping.
        const std::string file = writeCheckpoint(path("manyNodes.h5"), 3);
        QCOMPARE(loadCheckpoint(file).weights.size(), 4u);
        ReadLimits limits;
        limits.maxGraphNodes = 3;
        setReadLimits(limits);
        const QString message = messageOf<IoError>([&] { loadCheckpoint(file); });
        QVERIFY2(message.contains(QString::fromStdString("'" + file
                     + "': group '/weights' declares 4 nodes, more "
                       "than the 3 nodes of a graph")),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_GRAPH_NODES"));
    }

    void checkpointHistoryOfAbsurdEpochsIsBounded()
    {
        // The history's row count comes from an attribute: a negative one is refused, a huge one allocates
        // no more rows than the stored series hold.
        const std::string file = writeCheckpoint(path("epochs.h5"), 0);
        changeCheckpoint(file, [](H5::H5File& h5) {
            H5::Group history = h5.openGroup("history");
            hdf5::writeInt64(history, "epochs", -5);
        });
        const QString message = messageOf<IoError>([&] { loadCheckpoint(file); });
        QVERIFY2(message.contains("attribute 'epochs' of '/history' is -5; the file is damaged"),
            qPrintable(message));
        changeCheckpoint(file, [](H5::H5File& h5) {
            H5::Group history = h5.openGroup("history");
            hdf5::writeInt64(history, "epochs", 1000000000000000);
        });
        const std::int64_t before = residentBytes();
        QCOMPARE(loadCheckpoint(file).history.size(), std::size_t(0));
        VERIFY_ALLOCATED_LITTLE(before);
    }

    void checkpointJsonNestedTenThousandDeepIsRefused()
    {
        const std::string file = writeCheckpoint(path("deepState.h5"), 0);
        changeCheckpoint(file, [](H5::H5File& h5) {
            H5::Group root = h5.openGroup("/");
            hdf5::writeString(root, "trainer_state", nested(10000));
        });
        const QString message = messageOf<IoError>([&] { loadCheckpoint(file); });
        QVERIFY2(
            message.contains("attribute 'trainer_state' nests JSON arrays and objects more than 256 deep"),
            qPrintable(message));
        QVERIFY(message.contains(QString::fromStdString(file)));
    }

    void hugeTextFileIsRefusedUnread()
    {
        // A sparse file of 64 GiB: no disk used, and refused by its size before a byte is read.
        const std::string file = path("huge.neurino.json");
        std::ofstream(file) << "{}";
        std::filesystem::resize_file(file, std::uintmax_t(64) << 30);
        const std::int64_t before = residentBytes();
        const QString message = messageOf<IoError>([&] { loadModel(file); });
        QVERIFY2(message.contains(QString::fromStdString("'" + file
                     + "' is 68719476736 bytes long, more than the "
                       "67108864 bytes of a text file")),
            qPrintable(message));
        QVERIFY(message.contains("NEURINO_MAX_TEXT_FILE_BYTES"));
        VERIFY_ALLOCATED_LITTLE(before);
    }
};

NEURINO_TEST_MAIN(TestReadLimits)
#include "TestReadLimits.moc"
