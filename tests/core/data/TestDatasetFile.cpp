// HDF5 dataset files: Neurino's layout round trip, foreign files read by naming paths, row ranges, listing,
// and every error a user can run into (missing file, not HDF5, missing path, wrong rank or type, N mismatch).
#include "core/data/DatasetFile.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"
#include <H5Cpp.h>

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <fstream>

using namespace neurino;

namespace {

Dataset sampleDataset(std::int64_t n)
{
    Dataset d;
    d.features = torch::arange(n * 2 * 3, torch::kFloat32).reshape({ n, 2, 3 });
    d.targets = torch::arange(n, torch::kInt64) % 3;
    d.info.task = Task::Classification;
    d.info.classNames = { "circle", "square", "triangle" };
    d.info.featureNames = { "a", "b", "c", "d", "e", "f" };
    d.info.generator = "shapes";
    d.info.seed = 12345678901234ull;
    d.info.optionsJson = R"({"noise":0.1})";
    d.extras["mass_gev"] = torch::linspace(0, 1, n, torch::kFloat32);
    d.extras["pad_row"] = torch::arange(n, torch::kInt64) * 7;
    return d;
}

// Writes a foreign file the way h5py or Keras tutorials would: arbitrary names and types.
void writeForeign(const std::string& path, const std::map<std::string, torch::Tensor>& datasets)
{
    H5::H5File file(path, H5F_ACC_TRUNC);
    for (const auto& [name, tensor] : datasets) {
        const torch::Tensor t = tensor.contiguous();
        std::vector<hsize_t> dims(t.sizes().begin(), t.sizes().end());
        const H5::DataSpace space(int(dims.size()), dims.data());
        const H5::PredType& type = t.scalar_type() == torch::kFloat64 ? H5::PredType::NATIVE_DOUBLE
            : t.scalar_type() == torch::kInt32                        ? H5::PredType::NATIVE_INT32
                                                                      : H5::PredType::NATIVE_FLOAT;
        const std::string full = name;
        if (full.find('/') != std::string::npos && !file.nameExists(full.substr(0, full.find('/'))))
            file.createGroup(full.substr(0, full.find('/')));
        file.createDataSet(full, type, space).write(t.data_ptr(), type);
    }
}

} // namespace

class TestDatasetFile : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    // Expects `call` to throw E with every fragment in its message.
    template <typename E, typename F> void expectError(F call, const QStringList& fragments)
    {
        try {
            call();
            QFAIL("no exception");
        } catch (const E& e) {
            const QString message = QString::fromStdString(e.what());
            for (const auto& f : fragments)
                QVERIFY2(message.contains(f), qPrintable("'" + f + "' missing from: " + message));
        }
    }

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<int>("gzip");
        QTest::newRow("contiguous") << 0;
        QTest::newRow("gzip") << 4;
    }

    void roundTrip()
    {
        QFETCH(int, gzip);
        const Dataset d = sampleDataset(50);
        const std::string file = path("round.h5");
        writeDataset(file, d, { gzip });
        const Dataset r = readDataset(file);
        QVERIFY(torch::equal(r.features, d.features));
        QVERIFY(torch::equal(r.targets, d.targets));
        QCOMPARE(r.targets.scalar_type(), torch::kInt64);
        QCOMPARE(r.info.task, Task::Classification);
        QCOMPARE(r.info.classNames, d.info.classNames);
        QCOMPARE(r.info.featureNames, d.info.featureNames);
        QCOMPARE(r.info.generator, std::string("shapes"));
        QCOMPARE(r.info.seed, d.info.seed);
        QCOMPARE(r.info.optionsJson, d.info.optionsJson);
        QCOMPARE(r.extras.size(), std::size_t(2));
        QVERIFY(torch::equal(r.extras.at("mass_gev"), d.extras.at("mass_gev")));
        QVERIFY(torch::equal(r.extras.at("pad_row"), d.extras.at("pad_row")));
        QCOMPARE(r.extras.at("pad_row").scalar_type(), torch::kInt64);
    }

    void regressionAndUnlabelled()
    {
        Dataset d;
        d.features = torch::rand({ 10, 1, 4, 4 });
        d.targets = torch::rand({ 10, 1 });
        d.info.task = Task::Images;
        writeDataset(path("images.h5"), d);
        const Dataset r = readDataset(path("images.h5"));
        QCOMPARE(r.info.task, Task::Images);
        QVERIFY(torch::equal(r.targets, d.targets));

        Dataset u;
        u.features = torch::rand({ 5, 3 });
        u.info.task = Task::Unlabelled;
        writeDataset(path("unlabelled.h5"), u);
        const Dataset ru = readDataset(path("unlabelled.h5"));
        QCOMPARE(ru.info.task, Task::Unlabelled);
        QVERIFY(!ru.targets.defined());
        QVERIFY(torch::equal(ru.features, u.features));
        QVERIFY(ru.info.classNames.empty());
    }

    void readRowRange()
    {
        const Dataset d = sampleDataset(1000);
        writeDataset(path("rows.h5"), d);
        DatasetFile file(path("rows.h5"));
        QCOMPARE(file.size(), std::int64_t(1000));
        QCOMPARE(file.featureShape(), (std::vector<std::int64_t> { 2, 3 }));
        const Dataset part = file.readRows(990, 100); // clipped at N
        QCOMPARE(part.size(), std::int64_t(10));
        QVERIFY(torch::equal(part.features, d.features.slice(0, 990)));
        QVERIFY(torch::equal(part.targets, d.targets.slice(0, 990)));
        QVERIFY(torch::equal(part.extras.at("pad_row"), d.extras.at("pad_row").slice(0, 990)));
        const Dataset middle = file.readRows(100, 5);
        QVERIFY(torch::equal(middle.features, d.features.slice(0, 100, 105)));
        expectError<DataError>([&] { file.readRows(-1, 5); }, { "rows.h5", "-1" });
    }

    void foreignKerasLabels()
    {
        // Higgs tutorial style: features N x 28 float64, targets N x 1 float 0/1 -> binary int64 classes.
        const torch::Tensor x = torch::randn({ 20, 28 }, torch::kFloat64);
        const torch::Tensor t = (torch::arange(20) % 2).to(torch::kFloat32).reshape({ 20, 1 });
        writeForeign(path("keras.h5"), { { "features", x }, { "targets", t } });
        const Dataset r = readDataset(path("keras.h5"));
        QCOMPARE(r.info.task, Task::Binary);
        QCOMPARE(r.targets.scalar_type(), torch::kInt64);
        QCOMPARE(r.targets.sizes().vec(), (std::vector<std::int64_t> { 20 }));
        QVERIFY(torch::equal(r.targets, (torch::arange(20) % 2).to(torch::kInt64)));
        QCOMPARE(r.features.scalar_type(), torch::kFloat32);
        QVERIFY(torch::allclose(r.features, x.to(torch::kFloat32)));
        QCOMPARE(r.info.origin, path("keras.h5"));
    }

    void foreignCalorimeter()
    {
        // Calorimeter tutorial style: ECAL N x 25 x 25, target N energies; Images adds the channel axis.
        writeForeign(path("ecal.h5"),
            { { "ECAL", torch::rand({ 8, 25, 25 }) }, { "target", torch::rand({ 8 }) * 500 },
                { "meta/other", torch::rand({ 3 }) } });
        DatasetPaths paths;
        paths.features = "ECAL";
        paths.targets = "target";
        paths.task = Task::Images;
        const Dataset r = readDataset(path("ecal.h5"), paths);
        QCOMPARE(r.features.sizes().vec(), (std::vector<std::int64_t> { 8, 1, 25, 25 }));
        QCOMPARE(r.targets.sizes().vec(), (std::vector<std::int64_t> { 8, 1 }));
        QCOMPARE(r.info.task, Task::Images);
        QVERIFY(r.extras.empty());

        paths.task.reset();
        const Dataset guessed = readDataset(path("ecal.h5"), paths);
        QCOMPARE(guessed.info.task, Task::Regression);
    }

    void listing()
    {
        writeForeign(
            path("list.h5"), { { "ECAL", torch::rand({ 4, 5, 6 }) }, { "grp/energy", torch::rand({ 4 }) } });
        const auto entries = listDatasets(path("list.h5"));
        QCOMPARE(entries.size(), std::size_t(2));
        QCOMPARE(entries[0].name, std::string("ECAL"));
        QCOMPARE(entries[0].shape, (std::vector<std::int64_t> { 4, 5, 6 }));
        QCOMPARE(entries[0].dtype, std::string("float32"));
        QCOMPARE(entries[1].name, std::string("grp/energy"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("features");
        QTest::addColumn<QString>("targets");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("missing file") << "nope.h5"
                                      << "features"
                                      << "targets" << QStringList { "nope.h5", "does not exist" };
        QTest::newRow("not hdf5") << "text.h5"
                                  << "features"
                                  << "targets" << QStringList { "text.h5", "not an HDF5 file" };
        QTest::newRow("cut short") << "cut.h5"
                                   << "x"
                                   << "labels" << QStringList { "cut.h5", "damaged or cut short" };
        QTest::newRow("missing features path") << "bad.h5"
                                               << "ECAL"
                                               << "target"
                                               << QStringList { "bad.h5", "no features dataset 'ECAL'",
                                                      "contains", "x (10x3 float32)", "labels (7 float32)" };
        QTest::newRow("missing targets path")
            << "bad.h5"
            << "x"
            << "y" << QStringList { "no targets dataset 'y'", "wide (10x3x2x2 float32)" };
        QTest::newRow("N mismatch") << "bad.h5"
                                    << "x"
                                    << "labels"
                                    << QStringList { "10 rows", "'labels'", "shape 7", "one row per sample" };
        QTest::newRow("targets rank") << "bad.h5"
                                      << "x"
                                      << "wide" << QStringList { "'wide'", "10x3x2x2" };
        QTest::newRow("scalar features") << "bad.h5"
                                         << "scalar"
                                         << "labels" << QStringList { "'scalar'", "scalar" };
        QTest::newRow("non-integer classes")
            << "bad.h5"
            << "x"
            << "fractions" << QStringList { "non-integer", "0.5", "regression" };
    }

    void errors()
    {
        QFETCH(QString, file);
        QFETCH(QString, features);
        QFETCH(QString, targets);
        QFETCH(QStringList, fragments);
        {
            std::ofstream(path("text.h5")) << "just text\n";
            H5::H5File f(path("bad.h5"), H5F_ACC_TRUNC);
            auto make = [&](const char* name, std::vector<hsize_t> dims) {
                const H5::DataSpace space
                    = dims.empty() ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(int(dims.size()), dims.data());
                std::size_t count = 1;
                for (auto d : dims)
                    count *= d;
                std::vector<float> values(count, 0.5f);
                f.createDataSet(name, H5::PredType::NATIVE_FLOAT, space)
                    .write(values.data(), H5::PredType::NATIVE_FLOAT);
            };
            make("x", { 10, 3 });
            make("labels", { 7 });
            make("wide", { 10, 3, 2, 2 });
            make("scalar", {});
            make("fractions", { 10 });
        }
        {
            // A foreign file (no Neurino seal to say so) whose copy stopped half-way.
            std::ifstream in(path("bad.h5"), std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::ofstream(path("cut.h5"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        }
        DatasetPaths paths;
        paths.features = features.toStdString();
        paths.targets = targets.toStdString();
        if (QTest::currentDataTag() == QString("non-integer classes"))
            paths.task = Task::Classification;
        const std::string target = path(file.toUtf8().constData());
        if (file == "bad.h5")
            expectError<DataError>([&] { readDataset(target, paths); }, fragments);
        else
            expectError<IoError>([&] { readDataset(target, paths); }, fragments);
    }

    void writeFailureLeavesNothing()
    {
        const Dataset d = sampleDataset(5);
        expectError<IoError>([&] { writeDataset(path("no/such/dir/out.h5"), d); }, { "out.h5" });
        Dataset bad = sampleDataset(5);
        bad.targets = torch::zeros({ 4 }, torch::kInt64);
        expectError<DataError>([&] { writeDataset(path("bad_n.h5"), bad); }, { "5 feature rows" });
        QVERIFY(!QFile::exists(m_dir.filePath("bad_n.h5")));
        QCOMPARE(QDir(m_dir.path()).entryList({ "*.tmp-*" }, QDir::Files).size(), 0);
    }
};

NEURINO_TEST_MAIN(TestDatasetFile)
#include "TestDatasetFile.moc"
