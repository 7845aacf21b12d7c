// TrainConfig: JSON round trip, defaults, and errors that name the field.
#include "core/train/TrainConfig.h"
#include "core/util/Error.h"

#include "tests/TestMain.h"

#include <QtTest/QtTest>
#include <nlohmann/json.hpp>

using namespace neurino;
using nlohmann::json;

class TestTrainConfig : public QObject {
    Q_OBJECT

private slots:
    void roundTrip()
    {
        TrainConfig c;
        c.optimizer.name = "nadam";
        c.optimizer.learningRate = 2e-3;
        c.optimizer.epsilon = 1e-7;
        c.loss = "binary_cross_entropy";
        c.metrics = { "accuracy", "auc" };
        c.epochs = 42;
        c.batchSize = 512;
        c.schedule.kind = "plateau";
        c.schedule.patience = 3;
        c.earlyStopping.enabled = true;
        c.earlyStopping.patience = 5;
        c.l2 = 1e-4;
        c.clipNorm = 1.0;
        c.seed = 123456789012345ULL;
        c.validationSplit = 0.2;
        c.testSplit = 0.2;
        const json doc = c.toJson();
        const TrainConfig back = TrainConfig::fromJson(json::parse(doc.dump()));
        QCOMPARE(back.toJson(), doc);
        QCOMPARE(back.seed, c.seed);
        QCOMPARE(*back.optimizer.epsilon, 1e-7);
    }

    void missingKeysKeepDefaults()
    {
        const TrainConfig c
            = TrainConfig::fromJson({ { "epochs", 3 }, { "optimizer", { { "name", "adamw" } } } });
        QCOMPARE(c.epochs, 3);
        QCOMPARE(c.batchSize, std::int64_t(32));
        QCOMPARE(c.optimizer.weightDecayOrDefault(), 1e-2);
        QCOMPARE(TrainConfig().optimizer.epsilonOrDefault(), 1e-8);
    }

    void errorsNameTheField_data()
    {
        QTest::addColumn<QString>("doc");
        QTest::addColumn<QString>("message");
        QTest::newRow("typo") << R"({"epoch": 3})"
                              << "unknown training setting 'epoch'";
        QTest::newRow("nested typo") << R"({"optimizer": {"lr": 1}})"
                                     << "'optimizer.lr'";
        QTest::newRow("type") << R"({"epochs": "ten"})"
                              << "'epochs' has the wrong type";
        QTest::newRow("fraction") << R"({"epochs": 2.5})"
                                  << "'epochs' has the wrong type";
        QTest::newRow("optimizer") << R"({"optimizer": {"name": "lbfgs"}})"
                                   << "use one of sgd, adam";
        QTest::newRow("lr") << R"({"optimizer": {"learning_rate": 0}})"
                            << "'optimizer.learning_rate'";
        QTest::newRow("loss") << R"({"loss": "hinge"})"
                              << "'loss' is 'hinge'";
        QTest::newRow("nesterov") << R"({"optimizer": {"name": "sgd", "nesterov": true}})"
                                  << "nesterov";
        QTest::newRow("batch") << R"({"batch_size": 0})"
                               << "'batch_size'";
        QTest::newRow("split") << R"({"validation_split": 1.0})"
                               << "'validation_split'";
    }

    void errorsNameTheField()
    {
        QFETCH(QString, doc);
        QFETCH(QString, message);
        try {
            TrainConfig::fromJson(json::parse(doc.toStdString()), "run.json");
            QFAIL("no error");
        } catch (const TrainError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }
};

NEURINO_TEST_MAIN(TestTrainConfig)
#include "TestTrainConfig.moc"
