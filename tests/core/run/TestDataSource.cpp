// DataSource: JSON round trip, errors that name the field, the channel axis of foreign image stacks, and
// generator sources that give what the catalog gives.
#include "core/data/DatasetFile.h"
#include "core/run/DataSource.h"
#include "core/util/Error.h"
#include "datasets/Catalog.h"

#include "tests/TestMain.h"

#include <H5Cpp.h>
#include <QtTest/QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace neurino;
using nlohmann::json;

namespace {

// A calorimeter tutorial file as h5py writes it: ECAL (N, 25, 25) showers, target (N) energies, no
// attributes.
void writeCalorimeterFile(const std::string& path, std::int64_t n)
{
    H5::H5File file(path, H5F_ACC_TRUNC);
    const torch::Tensor showers = torch::rand({ n, 25, 25 }).contiguous();
    const torch::Tensor energies = (torch::rand({ n }) * 500).contiguous();
    const hsize_t showerDims[3] = { hsize_t(n), 25, 25 };
    const hsize_t energyDims[1] = { hsize_t(n) };
    file.createDataSet("ECAL", H5::PredType::NATIVE_FLOAT, H5::DataSpace(3, showerDims))
        .write(showers.data_ptr(), H5::PredType::NATIVE_FLOAT);
    file.createDataSet("target", H5::PredType::NATIVE_FLOAT, H5::DataSpace(1, energyDims))
        .write(energies.data_ptr(), H5::PredType::NATIVE_FLOAT);
}

} // namespace

class TestDataSource : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void generatorRoundTrip()
    {
        const DataSource s
            = DataSource::fromGenerator("gaussians", { { "separation", 3.5 } }, 1234, 12345678901234ULL);
        const json doc = s.toJson();
        QCOMPARE(doc["kind"].get<std::string>(), std::string("generator"));
        const DataSource back = DataSource::fromJson(json::parse(doc.dump()));
        QCOMPARE(back.toJson(), doc);
        QVERIFY(back.kind == DataSource::Kind::Generator);
        QCOMPARE(back.generator, std::string("gaussians"));
        QCOMPARE(back.options["separation"].get<double>(), 3.5);
        QCOMPARE(back.events, std::int64_t(1234));
        QCOMPARE(back.seed, std::uint64_t(12345678901234ULL));
        QCOMPARE(back.describe(), std::string("gaussians (1234 events, seed 12345678901234)"));
        QCOMPARE(DataSource::fromGenerator("xor").describe(), std::string("xor (seed 42)"));
    }

    void fileRoundTrip()
    {
        DataSource s = DataSource::fromFile("/data/calo/showers.h5", "ECAL", "target");
        s.task = Task::Images;
        s.channelAxis = DataSource::ChannelAxis::Keep;
        const json doc = s.toJson();
        const DataSource back = DataSource::fromJson(json::parse(doc.dump()));
        QCOMPARE(back.toJson(), doc);
        QVERIFY(back.kind == DataSource::Kind::File);
        QCOMPARE(back.path, std::string("/data/calo/showers.h5"));
        QCOMPARE(back.featuresPath, std::string("ECAL"));
        QCOMPARE(back.targetsPath, std::string("target"));
        QVERIFY(back.task == Task::Images);
        QVERIFY(back.channelAxis == DataSource::ChannelAxis::Keep);
        QCOMPARE(back.describe(), std::string("showers.h5"));

        // Only the path is required; the rest takes the defaults.
        const DataSource plain = DataSource::fromJson({ { "kind", "file" }, { "path", "a.h5" } });
        QCOMPARE(plain.featuresPath, std::string("features"));
        QCOMPARE(plain.targetsPath, std::string("targets"));
        QVERIFY(!plain.task);
        QVERIFY(plain.channelAxis == DataSource::ChannelAxis::Auto);
    }

    void errorsNameTheField_data()
    {
        QTest::addColumn<QString>("doc");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("not an object") << "[1]" << QStringList { "run data", "JSON object" };
        QTest::newRow("no kind") << R"({"generator": "xor"})"
                                 << QStringList { "run data", "'kind'", "missing" };
        QTest::newRow("bad kind") << R"({"kind": "stream"})"
                                  << QStringList { "'kind'", "stream", "\"generator\" or \"file\"" };
        QTest::newRow("no generator")
            << R"({"kind": "generator"})" << QStringList { "'generator'", "missing" };
        QTest::newRow("no path") << R"({"kind": "file", "features": "ECAL"})"
                                 << QStringList { "'path'", "missing" };
        QTest::newRow("negative events") << R"({"kind": "generator", "generator": "xor", "events": -5})"
                                         << QStringList { "'events'", "-5", "whole number" };
        QTest::newRow("seed as text") << R"({"kind": "generator", "generator": "xor", "seed": "42"})"
                                      << QStringList { "'seed'", "whole number" };
        QTest::newRow("options not an object") << R"({"kind": "generator", "generator": "xor", "options": 3})"
                                               << QStringList { "'options'", "JSON object" };
        QTest::newRow("path not text")
            << R"({"kind": "file", "path": 7})" << QStringList { "'path'", "a text" };
        QTest::newRow("unknown task") << R"({"kind": "file", "path": "a.h5", "task": "ranking"})"
                                      << QStringList { "'task'", "ranking", "classification" };
        QTest::newRow("unknown channel axis") << R"({"kind": "file", "path": "a.h5", "channel_axis": "yes"})"
                                              << QStringList { "'channel_axis'", "yes", "auto, add or keep" };
        QTest::newRow("field of the other kind")
            << R"({"kind": "file", "path": "a.h5", "seed": 1})"
            << QStringList { "unknown field 'seed'", "file source", "path" };
    }

    void errorsNameTheField()
    {
        QFETCH(QString, doc);
        QFETCH(QStringList, fragments);
        try {
            DataSource::fromJson(json::parse(doc.toStdString()), "run data");
            QFAIL("no error");
        } catch (const DataError& e) {
            const QString message = e.what();
            for (const QString& fragment : fragments)
                QVERIFY2(message.contains(fragment), qPrintable(message + " lacks " + fragment));
        }
    }

    void foreignImageStackGetsAChannel()
    {
        writeCalorimeterFile(path("ecal.h5"), 6);
        DataSource s = DataSource::fromFile(path("ecal.h5"), "ECAL", "target");
        const auto data = openDataSource(s, {});
        QCOMPARE(data->features.sizes().vec(), (std::vector<std::int64_t> { 6, 1, 25, 25 }));
        QCOMPARE(data->targets.sizes().vec(), (std::vector<std::int64_t> { 6, 1 }));
        QCOMPARE(data->info.task, Task::Regression);
        QCOMPARE(data->info.origin, path("ecal.h5"));
        // The numbers are the file's, only the shape gains the axis.
        s.channelAxis = DataSource::ChannelAxis::Keep;
        const auto kept = openDataSource(s, {});
        QCOMPARE(kept->features.sizes().vec(), (std::vector<std::int64_t> { 6, 25, 25 }));
        QVERIFY(torch::equal(kept->features, data->features.squeeze(1)));
        // A stated task does not change that: the stack gets its channel once.
        s.channelAxis = DataSource::ChannelAxis::Auto;
        s.task = Task::Images;
        QCOMPARE(openDataSource(s, {})->features.sizes().vec(), (std::vector<std::int64_t> { 6, 1, 25, 25 }));
    }

    void ownFilesKeepTheirShape()
    {
        // A Neurino file says what it holds: (N, C, L) sequences of a generator stay as they are unless
        // the source asks for the axis.
        Dataset d;
        d.features = torch::rand({ 5, 2, 7 });
        d.targets = torch::arange(5, torch::kInt64) % 2;
        d.info.task = Task::Binary;
        d.info.generator = "sequences";
        writeDataset(path("own.h5"), d);
        DataSource s = DataSource::fromFile(path("own.h5"));
        QCOMPARE(openDataSource(s, {})->features.sizes().vec(), (std::vector<std::int64_t> { 5, 2, 7 }));
        s.channelAxis = DataSource::ChannelAxis::Add;
        QCOMPARE(openDataSource(s, {})->features.sizes().vec(), (std::vector<std::int64_t> { 5, 1, 2, 7 }));
    }

    void fileErrorsNameThePath()
    {
        writeCalorimeterFile(path("paths.h5"), 3);
        try {
            openDataSource(DataSource::fromFile(path("paths.h5")), {});
            QFAIL("no error");
        } catch (const DataError& e) {
            const QString message = e.what();
            QVERIFY2(message.contains("no features dataset 'features'") && message.contains("ECAL"),
                qPrintable(message));
        }
        QVERIFY_THROWS_EXCEPTION(DataError, openDataSource(DataSource::fromFile(""), {}));
    }

    void generatorGivesTheCatalogsData()
    {
        const auto& catalog = datasets::Catalog::instance();
        const json options = { { "separation", 1.5 } };
        const DataSource s = DataSource::fromGenerator("gaussians", options, 300, 7);
        const auto data = openDataSource(s, catalog.generatorFn());
        const Dataset direct = catalog.generate("gaussians", options, 300, 7);
        QVERIFY(torch::equal(data->features, direct.features));
        QVERIFY(torch::equal(data->targets, direct.targets));
        QCOMPARE(data->info.generator, std::string("gaussians"));
        QCOMPARE(data->info.seed, std::uint64_t(7));
        // Another seed, other data.
        const auto other
            = openDataSource(DataSource::fromGenerator("gaussians", options, 300, 8), catalog.generatorFn());
        QVERIFY(!torch::equal(other->features, direct.features));
    }

    void generatorNeedsTheCatalog()
    {
        try {
            openDataSource(DataSource::fromGenerator("xor"), {});
            QFAIL("no error");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("'xor'"), e.what());
        }
    }
};

NEURINO_TEST_MAIN(TestDataSource)
#include "TestDataSource.moc"
