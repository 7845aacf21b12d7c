// Foreign HDF5 files are walked in a child process before this one reads them: the real `neurino-batch
// probe` lists what a file holds, and a probe that crashes (as libhdf5 does on some malformed files) or
// hangs becomes an error message naming the file while this process goes on. Files with Neurino's seal are
// not probed.
#include "core/data/DatasetFile.h"
#include "core/io/Hdf5.h"
#include "core/io/Hdf5Probe.h"
#include "core/util/ChildProcess.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <csignal>
#include <fstream>
#include <sys/stat.h>

using namespace neurino;

namespace {

// A foreign file as another program writes it: no seal, a variable-length string, a group, a dangling link.
void writeForeignHdf5(const std::string& path)
{
    auto held = hdf5::lock();
    H5::H5File file(path, H5F_ACC_TRUNC);
    const hsize_t dims[2] = { 10, 3 };
    H5::DataSet features = file.createDataSet("features", H5::PredType::NATIVE_FLOAT, H5::DataSpace(2, dims));
    std::vector<float> zeros(30, 0.0f);
    features.write(zeros.data(), H5::PredType::NATIVE_FLOAT);
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    const char* task = "regression";
    file.openGroup("/").createAttribute("task", type, H5::DataSpace(H5S_SCALAR)).write(type, &task);
    file.createGroup("extra");
    file.link(H5L_TYPE_SOFT, "/nothing", "/extra/dangling");
}

// A probe program that crashes as libhdf5 would, or hangs: a shell script in the test's folder.
std::string probeScript(const QTemporaryDir& dir, const char* name, const char* body)
{
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    ::chmod(path.c_str(), 0755);
    return path;
}

template <typename F> QString probeMessage(F&& call)
{
    try {
        call();
    } catch (const IoError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace

class TestHdf5Probe : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void cleanup() { hdf5::setProbeProgram({}); }

    void probeListsWhatTheFileHolds()
    {
        const std::string file = path("foreign.h5");
        writeForeignHdf5(file);
        const hdf5::ProbeReport report = hdf5::probe(file);
        QVERIFY(!report.sealed);
        QCOMPARE(report.objects.size(), 4u);
        QCOMPARE(report.objects[0].path, std::string("/"));
        QCOMPARE(report.objects[0].attributes.size(), 1u);
        QCOMPARE(report.objects[0].attributes[0].second, std::string("\"regression\""));
        QCOMPARE(report.objects[1].path, std::string("/extra"));
        QCOMPARE(report.objects[2].path, std::string("/extra/dangling"));
        QCOMPARE(report.objects[2].kind, std::string("link"));
        QVERIFY(!report.objects[2].problem.empty());
        QCOMPARE(report.objects[3].kind, std::string("dataset"));
        QCOMPARE(report.objects[3].type, std::string("float32"));
        QCOMPARE(report.objects[3].shape, (std::vector<std::int64_t> { 10, 3 }));
        const QString text = QString::fromStdString(hdf5::formatProbe(report));
        QVERIFY2(text.contains("/features  dataset  float32 [10, 3]"), qPrintable(text));
        QVERIFY2(text.contains("1 object could not be read"), qPrintable(text));

        // The program prints the same, and says by its exit code that a part could not be read.
        const ChildResult child = runChild({ NEURINO_BATCH_EXE, "probe", file, "--json" }, 60);
        QCOMPARE(child.exitCode, 1);
        QVERIFY2(QString::fromStdString(child.out).contains("\"shape\": [\n        10,\n        3\n      ]"),
            child.out.c_str());
        const std::string garbage = path("garbage.h5");
        std::ofstream(garbage) << "not HDF5";
        QVERIFY(probeMessage([&] { hdf5::probe(garbage); }).contains("is not an HDF5 file"));
    }

    void crashingProbeBecomesAMessage()
    {
        const std::string file = path("crashing.h5");
        writeForeignHdf5(file);
        hdf5::setProbeProgram(probeScript(m_dir, "segfault.sh", "kill -SEGV $$"));
        const QString message = probeMessage([&] { DatasetFile dataset(file); });
        QVERIFY2(message.contains(QString::fromStdString("the HDF5 library crashed reading the dataset file '"
                     + file + "' (segmentation fault (SIGSEGV), in a separate probe process")),
            qPrintable(message));

        // A file with Neurino's seal is checked by its checksum and never probed.
        const std::string sealed = path("sealed.h5");
        Dataset data;
        data.features = torch::zeros({ 4, 2 });
        data.info.task = Task::Unlabelled;
        writeDataset(sealed, data);
        QCOMPARE(DatasetFile(sealed).size(), std::int64_t(4));
    }

    void realProbeLetsASoundFileThroughOnce()
    {
        const std::string file = path("sound.h5");
        writeForeignHdf5(file);
        hdf5::setProbeProgram(NEURINO_BATCH_EXE);
        QCOMPARE(DatasetFile(file, DatasetPaths { "features", "", std::nullopt, false }).size(), 10);
        // Passed once, the file is not probed again while it stays the same: a crashing probe is not asked.
        hdf5::setProbeProgram(probeScript(m_dir, "segfault2.sh", "kill -SEGV $$"));
        QCOMPARE(DatasetFile(file, DatasetPaths { "features", "", std::nullopt, false }).size(), 10);
    }

    void childThatHangsIsKilled()
    {
        const ChildResult child
            = runChild({ probeScript(m_dir, "hang.sh", "echo started; exec sleep 30") }, 0.5);
        QVERIFY(child.timedOut);
        QCOMPARE(child.exitCode, -1);
        QCOMPARE(child.out, std::string("started\n"));
        const ChildResult crashed
            = runChild({ probeScript(m_dir, "abort.sh", "echo why >&2; kill -ABRT $$") }, 10);
        QCOMPARE(crashed.signal, SIGABRT);
        QCOMPARE(crashed.err, std::string("why\n"));
        QVERIFY(probeMessage([] { runChild({ "/nonexistent/program" }, 1); }).contains("cannot start"));
    }
};

NEURINO_TEST_MAIN(TestHdf5Probe)
#include "TestHdf5Probe.moc"
