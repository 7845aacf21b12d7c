// ParamSchema: defaults filled in, values made canonical, and errors in the words of each reader.
#include "core/util/Error.h"
#include "core/util/ParamSchema.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>

using namespace neurino;
using nlohmann::json;

namespace {

const ParamSchema& sample()
{
    static const ParamSchema schema { intParam("units", nullptr, 1, 100, "How many units."),
        floatParam("rate", 0.5, 0, 0.99, "Dropout rate."), boolParam("use_bias", true, "Add a bias."),
        choiceParam("activation", "relu", { "linear", "relu", "tanh" }, "Non-linearity."),
        textParam("label", "a", "A name."), pairParam("kernel_size", 3, 1, 9, "Kernel."),
        choiceListParam("metrics", { "accuracy", "auc" }, "Metrics.") };
    return schema;
}

SchemaWhere where(SchemaWhere::Style style)
{
    SchemaWhere w;
    w.style = style;
    w.owner = style == SchemaWhere::Style::Setting ? "run.json" : "Dense";
    w.noun = style == SchemaWhere::Style::Setting ? "training setting" : "parameter";
    w.raise = [](const std::string& message) { throw ModelError(message); };
    return w;
}

QString errorOf(const json& values, SchemaWhere::Style style)
{
    try {
        sample().resolve(values, where(style));
    } catch (const ModelError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

class TestParamSchema : public QObject {
    Q_OBJECT

private slots:
    void resolveFillsDefaultsAndCanonicalises()
    {
        const json out = sample().resolve(
            { { "units", 8 }, { "kernel_size", 5 }, { "rate", 0 } }, where(SchemaWhere::Style::Layer));
        QCOMPARE(out.at("units"), json(8));
        QCOMPARE(out.at("kernel_size"), json::array({ 5, 5 }));
        QVERIFY(out.at("rate").is_number_float());
        QCOMPARE(out.at("activation"), json("relu"));
        QCOMPARE(out.at("metrics"), json::array());
        QCOMPARE(out.size(), sample().size());
    }

    void errorsNameTheOwnerAndTheField_data()
    {
        QTest::addColumn<QString>("values");
        QTest::addColumn<int>("style");
        QTest::addColumn<QString>("message");
        const int layer = int(SchemaWhere::Style::Layer), setting = int(SchemaWhere::Style::Setting);
        QTest::newRow("unknown") << R"({"unit": 3})" << layer
                                 << "Dense has no parameter 'unit' (did you mean 'units'?)";
        QTest::newRow("missing") << "{}" << layer << "parameter 'units' of Dense is missing: How many units.";
        QTest::newRow("type") << R"({"units": "8"})" << layer
                              << "parameter 'units' of Dense must be a whole number";
        QTest::newRow("range") << R"({"units": 0})" << layer << "is 0 but must be between 1 and 100";
        QTest::newRow("choice") << R"({"units": 1, "activation": "rleu"})" << layer
                                << "is 'rleu' but must be one of linear, relu, tanh (did you mean 'relu'?)";
        QTest::newRow("list") << R"({"units": 1, "metrics": ["auc", "mse"]})" << layer << "'mse'";
        QTest::newRow("setting unknown")
            << R"({"unit": 3})" << setting
            << "run.json: unknown training setting 'unit' (did you mean 'units'?)";
        QTest::newRow("setting type") << R"({"units": 2.5})" << setting
                                      << "run.json: training setting 'units' has the wrong type (2.5)";
        QTest::newRow("setting range") << R"({"units": 1, "rate": 1})" << setting
                                       << "run.json: training setting 'rate' is 1; it must be 0 to 0.99";
        QTest::newRow("setting choice") << R"({"units": 1, "activation": "x"})" << setting
                                        << "training setting 'activation' is 'x'; use one of linear";
        QTest::newRow("not an object") << "[1]" << layer << "the parameters of Dense must be a JSON object";
    }

    void errorsNameTheOwnerAndTheField()
    {
        QFETCH(QString, values);
        QFETCH(int, style);
        QFETCH(QString, message);
        const QString error = errorOf(json::parse(values.toStdString()), SchemaWhere::Style(style));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void optionsComeAsText()
    {
        SchemaWhere w = where(SchemaWhere::Style::Option);
        w.owner = "generator 'xor'";
        w.noun = "option";
        QCOMPARE(ParamSchema::parseText(*sample().find("use_bias"), "off", w), json(false));
        QCOMPARE(ParamSchema::parseText(*sample().find("metrics"), "accuracy,auc", w),
            json::array({ "accuracy", "auc" }));
        // A generator option given as JSON text is parsed as its type.
        QCOMPARE(ParamSchema::check(*sample().find("rate"), "0.25", w), json(0.25));
        try {
            ParamSchema::check(*sample().find("rate"), "lots", w);
            QFAIL("no error");
        } catch (const ModelError& e) {
            QCOMPARE(QString(e.what()),
                "option 'rate' of generator 'xor' cannot be 'lots': expected a number in 0 to 0.99");
        }
    }

    void describesDefaultsAndRanges()
    {
        QCOMPARE(QString::fromStdString(sample().find("rate")->describeDefault()), "0.5 (0 to 0.99)");
        QCOMPARE(QString::fromStdString(sample().find("activation")->describeDefault()),
            "relu (linear|relu|tanh)");
        QCOMPARE(QString::fromStdString(sample().find("units")->describeDefault()), "required");
        ParamSpec open = floatParam("label_flip", 0.05, 0, 0.5, "");
        open.maxOpen = true;
        QCOMPARE(QString::fromStdString(open.rangeText()), ">= 0 and < 0.5");
        QVERIFY_THROWS_EXCEPTION(ModelError, ParamSchema::check(open, 0.5, where(SchemaWhere::Style::Layer)));
        QCOMPARE(ParamSchema::check(open, 0.49, where(SchemaWhere::Style::Layer)), json(0.49));
    }
};

NEURINO_TEST_MAIN(TestParamSchema)
#include "TestParamSchema.moc"
