// The catalog: names, documented options and their validation, event counts, determinism across thread
// counts and seeds for every generator, progress, cancellation, and the files generators write.
#include "datasets/Catalog.h"

#include "core/data/DatasetFile.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace neurino;
using namespace neurino::datasets;

namespace {

const Catalog& catalog()
{
    return Catalog::instance();
}

bool sameData(const Dataset& a, const Dataset& b)
{
    if (!torch::equal(a.features, b.features))
        return false;
    if (a.targets.defined() != b.targets.defined()
        || (a.targets.defined() && !torch::equal(a.targets, b.targets)))
        return false;
    if (a.extras.size() != b.extras.size())
        return false;
    for (const auto& [name, t] : a.extras) {
        if (!b.extras.count(name) || !torch::equal(t, b.extras.at(name)))
            return false;
    }
    return true;
}

// Small, quick requests for every synthetic generator.
struct Request {
    const char* name;
    const char* options;
    std::int64_t events;
};
const Request kRequests[] = {
    { "xor", "{}", 20000 },
    { "circles", "{}", 20000 },
    { "spirals", "{}", 20000 },
    { "gaussians", R"({"nuisance": 0.5})", 20000 },
    { "function1d", R"({"noise": 0.1})", 20000 },
    { "shapes", R"({"noise": 0.05})", 600 },
    { "higgs", "{}", 20000 },
    { "calorimeter", R"({"max_energy": 50})", 100 },
    { "calorimeter", R"({"3d": true, "max_energy": 30})", 40 },
    { "tpc_krypton", R"({"rows": 20, "pads": 64, "eye_scan": 500})", 0 },
};

template <typename E, typename F> void expectError(F call, const QStringList& fragments)
{
    try {
        call();
        QFAIL("no exception");
    } catch (const E& e) {
        const QString message = e.what();
        for (const auto& f : fragments)
            QVERIFY2(message.contains(f), qPrintable("'" + f + "' missing from: " + message));
    }
}

} // namespace

class TestCatalog : public QObject {
    Q_OBJECT

private slots:
    void names()
    {
        const auto names = catalog().names();
        for (const char* n : { "xor", "circles", "spirals", "gaussians", "function1d", "shapes", "higgs",
                 "calorimeter", "tpc_krypton", "fashion_mnist" })
            QVERIFY2(std::find(names.begin(), names.end(), n) != names.end(), n);
        const std::string text = catalog().describe();
        for (const auto& n : names) {
            const Generator& g = catalog().get(n);
            QVERIFY(!g.description().empty());
            QVERIFY(text.find(n) != std::string::npos);
            for (const auto& spec : g.options()) {
                QVERIFY2(!spec.help.empty(), spec.name.c_str());
                QVERIFY(text.find("--" + spec.name) != std::string::npos);
                // Every default passes its own validation.
                GeneratorOptions(n, g.options(), nlohmann::json { { spec.name, spec.defaultValue } });
            }
        }
        expectError<DataError>([] { catalog().get("hggs"); }, { "'hggs'", "higgs", "calorimeter" });
        QVERIFY(catalog().find("hggs") == nullptr);
    }

    void optionErrors_data()
    {
        QTest::addColumn<QString>("generator");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QStringList>("fragments");
        QTest::newRow("unknown") << "xor"
                                 << "nosie"
                                 << "0.1" << QStringList { "no option 'nosie'", "noise, margin" };
        QTest::newRow("not a number") << "xor"
                                      << "noise"
                                      << "lots" << QStringList { "'noise'", "'lots'", "0 to 1" };
        QTest::newRow("out of range") << "higgs"
                                      << "btag_efficiency"
                                      << "1.5" << QStringList { "btag_efficiency", "'higgs'", "0 to 1" };
        QTest::newRow("not an integer") << "tpc_krypton"
                                        << "rows"
                                        << "9.5" << QStringList { "'rows'", "integer" };
        QTest::newRow("bad bool") << "calorimeter"
                                  << "3d"
                                  << "maybe" << QStringList { "'3d'", "true or false" };
        QTest::newRow("bad choice") << "function1d"
                                    << "function"
                                    << "tan" << QStringList { "'tan'", "sin, abs, step, bump" };
    }

    void optionErrors()
    {
        QFETCH(QString, generator);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QStringList, fragments);
        const std::string name = generator.toStdString();
        expectError<DataError>(
            [&] {
                GeneratorOptions::fromStrings(
                    name, catalog().get(name).options(), { { key.toStdString(), value.toStdString() } });
            },
            fragments);
    }

    void optionValues()
    {
        const auto& specs = catalog().get("calorimeter").options();
        const auto o = GeneratorOptions::fromStrings(
            "calorimeter", specs, { { "3d", "yes" }, { "max_energy", "100" } });
        QCOMPARE(o.flag("3d"), true);
        QCOMPARE(o.real("max_energy"), 100.0);
        QCOMPARE(o.real("min_energy"), 10.0); // default
        const auto j = GeneratorOptions("tpc_krypton", catalog().get("tpc_krypton").options(),
            nlohmann::json { { "rows", "12" }, { "scan_region", "random" } });
        QCOMPARE(j.integer("rows"), std::int64_t(12));
        QCOMPARE(j.text("scan_region"), std::string("random"));
    }

    void eventCounts()
    {
        expectError<DataError>(
            [] { catalog().generate("xor", nlohmann::json::object(), -5, 1); }, { "negative" });
        expectError<DataError>([] { catalog().generate("shapes", nlohmann::json::object(), 5'000'000, 1); },
            { "at most", "several files" });
        expectError<DataError>(
            [] {
                catalog().generate("tpc_krypton", nlohmann::json { { "rows", 10 }, { "pads", 10 } }, 50, 1);
            },
            { "exactly 100", "options" });
        QCOMPARE(catalog()
                     .generate("tpc_krypton", nlohmann::json { { "rows", 10 }, { "pads", 10 } }, 100, 1)
                     .size(),
            std::int64_t(100));
        QCOMPARE(catalog().generate("xor", nlohmann::json::object(), 0, 1).size(), std::int64_t(1000));
        // Ten million 3D showers would need terabytes: refused before allocating anything.
        expectError<DataError>(
            [] {
                catalog().generate("calorimeter", nlohmann::json { { "3d", true } }, 1'000'000, 1);
            },
            { "memory", "fewer events" });
    }

    void deterministicAcrossThreads_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < int(std::size(kRequests)); ++i)
            QTest::newRow((std::string(kRequests[i].name) + " " + kRequests[i].options).c_str()) << i;
    }

    void deterministicAcrossThreads()
    {
        QFETCH(int, index);
        const Request& r = kRequests[index];
        const auto options = nlohmann::json::parse(r.options);
        GenerateControl one, three;
        one.threads = 1;
        three.threads = 3;
        const Dataset a = catalog().generate(r.name, options, r.events, 7, one);
        const Dataset b = catalog().generate(r.name, options, r.events, 7, three);
        QVERIFY(sameData(a, b));
        const Dataset c = catalog().generate(r.name, options, r.events, 8, three);
        QVERIFY(!torch::equal(a.features, c.features));
        QVERIFY(a.features.isfinite().all().item<bool>());
        QCOMPARE(a.features.scalar_type(), torch::kFloat32);
        QCOMPARE(a.info.generator, std::string(r.name));
        QCOMPARE(a.info.seed, std::uint64_t(7));
        // The recorded options are complete: they regenerate the same data on their own.
        const Dataset again
            = catalog().generate(r.name, nlohmann::json::parse(a.info.optionsJson), r.events, 7);
        QVERIFY(sameData(a, again));
        if (!a.info.featureNames.empty()) {
            std::int64_t width = 1;
            for (auto s : a.sampleShape())
                width *= s;
            QCOMPARE(std::int64_t(a.info.featureNames.size()), width);
        }
    }

    void sameSeedSameFile()
    {
        QTemporaryDir dir;
        const std::string p1 = dir.filePath("a.h5").toStdString(), p2 = dir.filePath("b.h5").toStdString();
        writeDataset(p1, catalog().generate("higgs", nlohmann::json::object(), 3000, 42));
        writeDataset(p2, catalog().generate("higgs", nlohmann::json::object(), 3000, 42));
        const Dataset a = readDataset(p1), b = readDataset(p2);
        QVERIFY(sameData(a, b));
        QCOMPARE(a.info.generator, std::string("higgs"));
        QCOMPARE(a.info.classNames, (std::vector<std::string> { "background", "signal" }));
        QCOMPARE(a.info.featureNames.size(), std::size_t(28));
        QCOMPARE(a.extras.size(), std::size_t(7));
        QVERIFY(nlohmann::json::parse(a.info.optionsJson).contains("jet_stochastic"));
    }

    void progressAndCancel()
    {
        std::int64_t last = 0, calls = 0;
        GenerateControl control;
        control.threads = 2;
        control.progress = [&](std::int64_t done, std::int64_t total) {
            QVERIFY(done > last && done <= total);
            last = done;
            ++calls;
        };
        catalog().generate("xor", nlohmann::json::object(), 100000, 1, control);
        QCOMPARE(last, std::int64_t(100000));
        QVERIFY(calls > 1);

        std::atomic<bool> cancel { false };
        GenerateControl cancelling;
        cancelling.cancel = &cancel;
        cancelling.progress = [&](std::int64_t, std::int64_t) { cancel = true; };
        QVERIFY_THROWS_EXCEPTION(GenerationCancelled,
            catalog().generate("higgs", nlohmann::json::object(), 200000, 1, cancelling));
    }

    void fashionMnist()
    {
        expectError<DataError>(
            [] {
                catalog().generate("fashion_mnist", nlohmann::json { { "dir", "/nonexistent" } }, 0, 0);
            },
            { "dataset-fashion-mnist", "/nonexistent", "apt-get install" });
        if (!QFile::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        const Dataset d = catalog().generate("fashion_mnist", nlohmann::json { { "split", "test" } }, 500, 0);
        QCOMPARE(d.features.sizes().vec(), (std::vector<std::int64_t> { 500, 1, 28, 28 }));
        QVERIFY(d.features.min().item<float>() >= 0 && d.features.max().item<float>() <= 1);
        QVERIFY(d.features.max().item<float>() > 0.99f);
        QCOMPARE(d.info.classNames.size(), std::size_t(10));
        QCOMPARE(d.info.classNames[9], std::string("Ankle boot"));
        QVERIFY(d.targets.max().item<std::int64_t>() == 9 && d.targets.min().item<std::int64_t>() == 0);
        const Dataset all = catalog().generate("fashion_mnist", nlohmann::json { { "split", "test" } }, 0, 0);
        QCOMPARE(all.size(), std::int64_t(10000));
        expectError<DataError>(
            [] {
                catalog().generate("fashion_mnist", nlohmann::json { { "split", "test" } }, 20000, 0);
            },
            { "10000", "20000" });
    }
};

NEURINO_TEST_MAIN(TestCatalog)
#include "TestCatalog.moc"
