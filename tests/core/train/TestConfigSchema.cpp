// The schemas of TrainConfig and GanConfig: every member has an entry, and every entry survives JSON.
#include "core/gan/GanConfig.h"
#include "core/train/TrainConfig.h"
#include "core/util/Error.h"
#include "core/util/StructSchema.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

using namespace neurino;
using nlohmann::json;

namespace {

std::size_t alignUp(std::size_t n, std::size_t align)
{
    return (n + align - 1) / align * align;
}

// The bytes of S that no entry covers, beyond alignment padding, as a list of problems. Two proofs: the
// entries, in member order, leave only the gaps alignment explains; and every byte the constructor writes
// (a member's default) lies inside an entry, which finds a field added into padding, e.g. a bool after a
// bool.
template <typename S> QStringList uncovered(const StructSchema<S>& schema)
{
    QStringList problems;
    auto entries = schema.entries();
    std::sort(
        entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
    std::size_t end = 0;
    for (const auto& e : entries) {
        if (e.offset != alignUp(end, e.align))
            problems << QString("bytes %1 to %2, before '%3', have no entry")
                            .arg(end)
                            .arg(e.offset)
                            .arg(e.key.c_str());
        end = std::max(end, e.offset + e.size);
    }
    if (alignUp(end, alignof(S)) != sizeof(S))
        problems << QString("bytes %1 to %2, after the last entry, have no entry").arg(end).arg(sizeof(S));
    std::vector<bool> covered(sizeof(S), false);
    for (const auto& e : entries)
        std::fill(covered.begin() + e.offset, covered.begin() + e.offset + e.size, true);
    for (const unsigned char fill : { 0x00, 0xff }) {
        alignas(S) unsigned char storage[sizeof(S)];
        std::memset(storage, fill, sizeof(S));
        S* s = new (storage) S; // default-initialised: only the members' initialisers write
        unsigned char bytes[sizeof(S)];
        std::memcpy(bytes, storage, sizeof(S));
        s->~S();
        for (std::size_t i = 0; i < sizeof(S); ++i) {
            if (bytes[i] != fill && !covered[i])
                problems << QString("byte %1 is set by the constructor but has no entry").arg(i);
        }
    }
    return problems;
}

// A valid value other than the default, for every kind of entry.
json otherValue(const ParamSpec& spec)
{
    const json& def = spec.defaultValue;
    switch (spec.type) {
    case ParamType::Bool:
        return !def.get<bool>();
    case ParamType::Choice:
        return spec.choices.at(spec.choices.at(0) == def.get<std::string>() ? 1 : 0);
    case ParamType::ChoiceList:
        return json::array({ spec.choices.back() });
    case ParamType::Text:
        return def.get<std::string>() + "_other";
    case ParamType::Int:
        return def.get<double>() + 1 <= spec.maxValue ? def.get<std::int64_t>() + 1
                                                      : def.get<std::int64_t>() - 1;
    default: {
        const double d = def.get<double>();
        if (std::isfinite(spec.maxValue) && std::isfinite(spec.minValue)) {
            const double mid = (spec.minValue + spec.maxValue) / 2;
            return mid != d ? mid : (spec.minValue + mid) / 2;
        }
        return d + 0.5;
    }
    }
}

// Every entry set to another value, through JSON and back: the values read are the values written.
template <typename S> void checkRoundTrip(const StructSchema<S>& schema)
{
    SchemaWhere where;
    where.style = SchemaWhere::Style::Setting;
    where.owner = "test";
    where.noun = "setting";
    where.raise = [](const std::string& message) { throw TrainError(message); };
    json patch = json::object();
    for (const ParamSpec& leaf : schema.flat())
        jsonSetAt(patch, leaf.name, otherValue(leaf));
    S changed; // default member initialisers (S {} trips a false -Wmaybe-uninitialized in GCC 12)
    schema.apply(changed, patch, where);
    const json written = schema.toJson(changed);
    for (const ParamSpec& leaf : schema.flat()) {
        const json value = jsonValueAt(written, leaf.name);
        QVERIFY2(value != leaf.defaultValue, leaf.name.c_str());
        QVERIFY2(value == jsonValueAt(patch, leaf.name)
                || (value.is_number() && value.get<double>() == jsonValueAt(patch, leaf.name).get<double>()),
            leaf.name.c_str());
    }
    const S back = schema.fromJson(json::parse(written.dump()), where);
    QCOMPARE(schema.toJson(back), written);
}

template <typename T> QString errorOf(const T& read)
{
    try {
        read();
    } catch (const TrainError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

class TestConfigSchema : public QObject {
    Q_OBJECT

private slots:
    // Adding a member to one of these structs without a schema entry fails here.
    void everyMemberHasAnEntry()
    {
        QCOMPARE(uncovered(optimizerConfigSchema()), QStringList());
        QCOMPARE(uncovered(scheduleConfigSchema()), QStringList());
        QCOMPARE(uncovered(earlyStoppingConfigSchema()), QStringList());
        QCOMPARE(uncovered(trainConfigSchema()), QStringList());
        QCOMPARE(uncovered(ganConfigSchema()), QStringList());
    }

    void everyEntrySurvivesJson()
    {
        checkRoundTrip(trainConfigSchema());
        checkRoundTrip(ganConfigSchema());
    }

    void theJsonFormatIsUnchanged()
    {
        const json train = TrainConfig().toJson();
        QCOMPARE(train.at("optimizer").at("epsilon"), json(1e-8));
        QCOMPARE(train.at("optimizer").at("weight_decay"), json(0.0));
        QCOMPARE(train.at("early_stopping").at("restore_best_weights"), json(true));
        QCOMPARE(train.at("seed"), json(kDefaultSeed));
        QCOMPARE(train.size(), std::size_t(20));
        const json gan = GanConfig().toJson();
        QCOMPARE(gan.at("generator_optimizer").at("name"), json("rmsprop"));
        QCOMPARE(gan.at("discriminator_optimizer").at("learning_rate"), json(1e-4));
        QCOMPARE(gan.size(), std::size_t(21));
        // Dotted names for the command line and forms, with the struct's defaults.
        const ParamSchema flat = ganConfigSchema().flat();
        QVERIFY(flat.find("generator_optimizer.learning_rate"));
        QCOMPARE(flat.find("generator_optimizer.name")->defaultValue, json("rmsprop"));
    }

    void readingErrorsNameTheSourceAndTheKey_data()
    {
        QTest::addColumn<QString>("doc");
        QTest::addColumn<QString>("message");
        QTest::newRow("nested unknown")
            << R"({"schedule": {"kindd": "step"}})"
            << "run.json: unknown training setting 'schedule.kindd' (did you mean 'kind'?)";
        QTest::newRow("nested type")
            << R"({"early_stopping": {"patience": "3"}})"
            << "run.json: training setting 'early_stopping.patience' has the wrong type";
        QTest::newRow("range") << R"({"test_split": -0.5})"
                               << "run.json: training setting 'test_split' is -0.5; it must be 0 to 0.99";
        QTest::newRow("open range") << R"({"schedule": {"factor": 0}})"
                                    << "'schedule.factor' is 0; it must be > 0";
        QTest::newRow("metric") << R"({"metrics": ["accuracy", "f1"]})"
                                << "'metrics' is 'f1'; use one of accuracy";
        QTest::newRow("not an object") << R"({"optimizer": 3})"
                                       << "run.json: 'optimizer' must be a JSON object";
        QTest::newRow("int overflow") << R"({"epochs": 1e12})"
                                      << "'epochs' is";
        QTest::newRow("step") << R"({"schedule": {"kind": "step", "step_size": 0}})"
                              << "'schedule.step_size'";
    }

    void readingErrorsNameTheSourceAndTheKey()
    {
        QFETCH(QString, doc);
        QFETCH(QString, message);
        const QString error
            = errorOf([&] { TrainConfig::fromJson(json::parse(doc.toStdString()), "run.json"); });
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void ganErrorsNameTheKey()
    {
        QVERIFY(errorOf([] {
            GanConfig::fromJson({ { "lable_flip", 0.1 } });
        }).contains("unknown GAN setting 'lable_flip' (did you mean 'label_flip'?)"));
        QVERIFY(errorOf([] {
            GanConfig::fromJson({ { "label_flip", 0.5 } });
        }).contains("GAN setting 'label_flip' is 0.5; it must be >= 0 and < 0.5"));
        QVERIFY(errorOf([] {
            GanConfig::fromJson({ { "generator_optimizer", { { "lr", 1 } } } });
        }).contains("unknown GAN setting 'generator_optimizer.lr'"));
        QVERIFY(errorOf([] {
            GanConfig::fromJson({ { "latent_scale_low", 3 }, { "latent_scale_high", 2 } });
        }).contains("latent_scale_low/high"));
        GanConfig c;
        c.discriminatorOptimizer.name = "sgd";
        c.discriminatorOptimizer.nesterov = true;
        QVERIFY(errorOf([&] { c.validate(); }).contains("GAN setting 'discriminator_optimizer.nesterov'"));
    }
};

NEURINO_TEST_MAIN(TestConfigSchema)
#include "TestConfigSchema.moc"
